package io.nightshift.cli;

import io.nightshift.NightshiftApplication;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts the Spring application for a command: no web server, no banner, Spring's own shutdown hook off (ours waits
 * for the run), the console log as {@link ConsoleLog} says.
 */
final class ApplicationContexts {

    private ApplicationContexts() {
    }

    static ConfigurableApplicationContext start(List<String> springArguments) {
        List<String> arguments = new ArrayList<>(springArguments);
        arguments.addAll(ConsoleLog.springArguments());
        ConfigurableApplicationContext context = new SpringApplicationBuilder(NightshiftApplication.class)
                .web(WebApplicationType.NONE)
                .bannerMode(Banner.Mode.OFF)
                .logStartupInfo(false)
                .registerShutdownHook(false)
                .run(arguments.toArray(String[]::new));
        ConsoleLog.install();
        return context;
    }
}
