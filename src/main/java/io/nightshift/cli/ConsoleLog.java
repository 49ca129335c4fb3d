package io.nightshift.cli;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * What the console shows of the log. By default one line per event and no stack traces (the console pattern ends
 * with {@code ${logging.exception-conversion-word}}, {@code %nopex} in application.yaml); the run's log file
 * ({@link RunLog}) keeps the traces. Nor does it show Spring Batch's reports of a failed step or job, which carry the
 * failure's whole trace: the run's summary says what failed and why in one line, and the file keeps the report.
 * {@code --verbose} shows everything, traces included.
 */
final class ConsoleLog {

    /** Boot's console appender. */
    private static final String CONSOLE = "CONSOLE";
    /** The logger the command's own failure is recorded with, for the run's file only (the console has its one line). */
    static final String FAILURES = "io.nightshift.cli.Failures";

    private static volatile boolean verbose;

    private ConsoleLog() {
    }

    static void verbose(boolean on) {
        verbose = on;
    }

    static boolean verbose() {
        return verbose;
    }

    /** The Spring arguments that give the console its traces, and Spring's report of a failed start-up, under --verbose. */
    static List<String> springArguments() {
        return verbose ? List.of("--logging.exception-conversion-word=%wEx", "--logging.level.org.springframework.boot.SpringApplication=ERROR")
                : List.of();
    }

    /** Called once the application (and so its logging) has started. */
    static void install() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        Appender<ILoggingEvent> console = context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(CONSOLE);
        if (console == null) {
            return;
        }
        Filter<ILoggingEvent> filter = new Filter<>() {
            @Override
            public FilterReply decide(ILoggingEvent event) {
                return shownOnConsole(event.getLoggerName(), event.getThrowableProxy() != null, verbose) ? FilterReply.NEUTRAL : FilterReply.DENY;
            }
        };
        filter.setContext(context);
        filter.start();
        console.addFilter(filter);
    }

    /** Whether a logged event reaches the console (it always reaches the run's log file). */
    static boolean shownOnConsole(String logger, boolean withException, boolean verbose) {
        if (logger.equals(FAILURES)) {
            return false;
        }
        return verbose || !(withException && logger.startsWith("org.springframework.batch."));
    }
}
