package io.nightshift.cli;

import io.nightshift.NightshiftApplication;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
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
        String[] datasourceUrl = new String[1];
        ConfigurableApplicationContext context;
        try {
            context = new SpringApplicationBuilder(NightshiftApplication.class)
                    .web(WebApplicationType.NONE)
                    .bannerMode(Banner.Mode.OFF)
                    .logStartupInfo(false)
                    .registerShutdownHook(false)
                    .listeners((ApplicationListener<ApplicationEnvironmentPreparedEvent>) event ->
                            datasourceUrl[0] = event.getEnvironment().getProperty("spring.datasource.url"))
                    .run(arguments.toArray(String[]::new));
        } catch (RuntimeException e) {
            // The embedded database (no URL set) reports its own problems; a URL of the user's gets one line naming it.
            JobRepositoryUnavailableException database = datasourceUrl[0] == null || datasourceUrl[0].isBlank() ? null
                    : JobRepositoryUnavailableException.of(datasourceUrl[0], e);
            throw database != null ? database : e;
        }
        ConsoleLog.install();
        return context;
    }
}
