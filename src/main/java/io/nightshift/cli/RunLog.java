package io.nightshift.cli;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * The log file of one run, {@code <home>/logs/run-<ID>.log}: every line the command logs while it runs the run, with
 * stack traces, which the console leaves out (see {@link ConsoleLog}). Every execution of the run (start, each
 * relaunch) appends to the same file, so the file tells the run's whole story. Lines logged before the run id is
 * known (checking inputs and model before the run is created) are held back and written first once it is; a command
 * that never gets a run id (refused before the run exists) leaves no file.
 *
 * <p>The file opens on the first line that carries the run id in its MDC ({@code runId}, set by the run's listener
 * when an execution starts, and by its partition threads). One command runs one run, so every line after that belongs
 * to it; a relaunch that is refused (a completed or unknown run) never gets that far and writes nothing.
 */
final class RunLog implements AutoCloseable {

    /** The file's lines: the console's, plus the thread and the whole logger name, and the trace of any exception. */
    static final String PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [run %X{runId:--} %X{partition:--}] [%thread] %logger: %msg%n%ex";
    /** Lines held back before the run id is known; planning logs a handful, so this only bounds a runaway. */
    private static final int MAX_HELD_BACK = 10_000;
    private static final String NAME = "RUN_LOG";

    private static volatile Path lastFile;

    private final Path directory;
    private final Appender appender = new Appender();

    private RunLog(Path directory) {
        this.directory = directory;
    }

    /** Starts collecting the command's log lines for its run's file; {@code home} is nightshift.home. */
    static RunLog start(Path home) {
        RunLog log = new RunLog(home.resolve("logs"));
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            log.appender.setContext(context);
            log.appender.setName(NAME);
            log.appender.start();
            context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(log.appender);
        }
        return log;
    }

    /** The path of a run's log file under {@code home}. */
    static Path path(Path home, long runId) {
        return home.resolve("logs").resolve("run-" + runId + ".log");
    }

    /** The run's file once it is open, else null. */
    Path file() {
        return appender.file;
    }

    /** The file of the last run this process logged to, for an error that ends the command after the run. */
    static Path lastFile() {
        return lastFile;
    }

    /** A new command in the same process (tests) has no run yet. */
    static void forgetLastFile() {
        lastFile = null;
    }

    @Override
    public void close() {
        if (appender.getContext() instanceof LoggerContext context) {
            context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(appender);
        }
        appender.stop();
    }

    private final class Appender extends AppenderBase<ILoggingEvent> {
        private final List<ILoggingEvent> heldBack = new ArrayList<>();
        private FileAppender<ILoggingEvent> out;
        private boolean cannotWrite;
        private volatile Path file;

        @Override
        protected void append(ILoggingEvent event) {
            if (out == null && !cannotWrite) {
                String runId = event.getMDCPropertyMap().get("runId");
                if (runId != null) {
                    open(runId);
                }
            }
            if (out != null) {
                out.doAppend(event);
            } else if (!cannotWrite && heldBack.size() < MAX_HELD_BACK) {
                event.prepareForDeferredProcessing();
                heldBack.add(event);
            }
        }

        private void open(String runId) {
            if (!isStarted()) {
                return;
            }
            Path path = directory.resolve("run-" + runId + ".log");
            PatternLayoutEncoder encoder = new PatternLayoutEncoder();
            encoder.setContext(getContext());
            encoder.setPattern(PATTERN);
            encoder.start();
            FileAppender<ILoggingEvent> appender = new FileAppender<>();
            appender.setContext(getContext());
            appender.setName(NAME + "-" + runId);
            appender.setFile(path.toString());
            appender.setAppend(true);
            appender.setEncoder(encoder);
            appender.start();
            if (!appender.isStarted()) {
                // Logback keeps why (e.g. a home it cannot write) in its status; the run goes on without a file.
                cannotWrite = true;
                heldBack.clear();
                return;
            }
            out = appender;
            file = path;
            lastFile = path;
            heldBack.forEach(appender::doAppend);
            heldBack.clear();
        }

        @Override
        public synchronized void stop() {
            super.stop();
            if (out != null) {
                out.stop();
            }
            heldBack.clear();
        }
    }
}
