package io.nightshift.cli;

import io.nightshift.NightshiftApplication;
import io.nightshift.NightshiftProperties;
import io.nightshift.ServeOnlyAutoConfigurations;
import io.nightshift.database.EarlyStart;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Starts the Spring application for a command: no web server (but for {@code serve}: its REST API, health and
 * metrics), no banner, Spring's own shutdown hook off (ours waits
 * for the run), the console log as {@link ConsoleLog} says.
 */
final class ApplicationContexts {

    private ApplicationContexts() {
    }

    static ConfigurableApplicationContext start(List<String> springArguments) {
        return start(springArguments, new String[0]);
    }

    /**
     * For a brief command (status, the registry's records: a query or two, never a run or a file operation): finding no
     * database server, it opens the embedded database in its own process instead of starting a server JVM (see
     * docs/BENCHMARKS.md, "Start-up of the small commands"). Such a command prints after closing its context, so that
     * a reader of its output who pauses (a pager) never keeps the database from the other commands.
     */
    static ConfigurableApplicationContext startBrief() {
        return start(List.of("--" + EarlyStart.BRIEF_COMMAND + "=true"));
    }

    /**
     * As {@link #startBrief()}, with every bean created only when first asked for: {@code status} reads runs through
     * {@code Runs} and needs few of the context's beans (the database and its migrations come with them). Measured on
     * an idle machine, 6 alternating pairs: 1.53–1.78 s against 1.62–1.92 s, about 0.18 s less. The {@code needed}
     * beans are created (and the database reached) while starting, so an unreachable job repository is reported as
     * when every bean is created up front.
     */
    static ConfigurableApplicationContext startBriefAndLazy(Class<?> needed) {
        // A default property, so -Dspring.main.lazy-initialization=false (NIGHTSHIFT_JAVA_OPTS) turns it off to compare.
        return start(List.of("--" + EarlyStart.BRIEF_COMMAND + "=true"), List.of(needed));
    }

    /** With profiles added to the active ones ({@code serve} for the scheduler node). */
    static ConfigurableApplicationContext start(List<String> springArguments, String... profiles) {
        return start(springArguments, List.of(), profiles);
    }

    private static ConfigurableApplicationContext start(List<String> springArguments, List<Class<?>> needed, String... profiles) {
        List<String> arguments = new ArrayList<>(springArguments);
        arguments.addAll(ConsoleLog.springArguments());
        String[] datasourceUrl = new String[1];
        ConfigurableApplicationContext context;
        try {
            context = new SpringApplicationBuilder(NightshiftApplication.class)
                    .web(List.of(profiles).contains(ServeOnlyAutoConfigurations.SERVE_PROFILE) ? WebApplicationType.SERVLET : WebApplicationType.NONE)
                    .bannerMode(Banner.Mode.OFF)
                    .logStartupInfo(false)
                    .registerShutdownHook(false)
                    .profiles(profiles)
                    .properties(needed.isEmpty() ? java.util.Map.of() : java.util.Map.of("spring.main.lazy-initialization", "true"))
                    .listeners((ApplicationListener<ApplicationEnvironmentPreparedEvent>) event -> {
                        datasourceUrl[0] = event.getEnvironment().getProperty("spring.datasource.url");
                        openEmbeddedDatabaseEarly(event.getEnvironment(), datasourceUrl[0]);
                    })
                    .run(arguments.toArray(String[]::new));
            if (!needed.isEmpty()) {
                try {
                    for (Class<?> type : needed) {
                        context.getBean(type);
                    }
                    try (java.sql.Connection connection = context.getBean(javax.sql.DataSource.class).getConnection()) {
                        connection.isValid(1);
                    }
                } catch (RuntimeException | java.sql.SQLException e) {
                    context.close();
                    throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getMessage(), e);
                }
            }
        } catch (RuntimeException e) {
            EarlyStart.discard();
            // The embedded database (no URL set) reports its own problems; a URL of the user's gets one line naming it.
            JobRepositoryUnavailableException database = datasourceUrl[0] == null || datasourceUrl[0].isBlank() ? null
                    : JobRepositoryUnavailableException.of(datasourceUrl[0], e);
            throw database != null ? database : e;
        }
        ConsoleLog.install();
        return context;
    }

    /**
     * With the embedded default, the database server (when none is running) starts while the context does: on 2 cores
     * that took a cold {@code status} from 2.08 s to 1.95 s (the two JVMs share the CPUs). Settings that do not bind are
     * left for the context to report.
     */
    private static void openEmbeddedDatabaseEarly(ConfigurableEnvironment environment, String datasourceUrl) {
        if (datasourceUrl != null && !datasourceUrl.isBlank()) {
            return;
        }
        try {
            NightshiftProperties properties = Binder.get(environment).bindOrCreate("nightshift", NightshiftProperties.class);
            EarlyStart.openEarly(properties.home(), environment.getProperty("spring.datasource.username"),
                    environment.getProperty("spring.datasource.password"), properties.database().waitTimeout(),
                    properties.database().serverIdleTimeout(),
                    environment.getProperty(EarlyStart.BRIEF_COMMAND, Boolean.class, false));
        } catch (RuntimeException e) {
            // The context binds the same settings and reports what is wrong with them.
        }
    }
}
