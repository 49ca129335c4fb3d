package io.nightshift.lineage;

/**
 * Where a run's lineage goes, called by the run lifecycle ({@code job/RunListener}) so that the core does not depend on
 * OpenLineage: {@link #NONE} unless {@code nightshift.lineage.transport} is set ({@link LineageConfiguration}).
 * Implementations never throw and never block a run.
 */
public interface RunLineage {

    /** Sends nothing: lineage is off (the default). */
    RunLineage NONE = new RunLineage() {
    };

    /** An execution of a run started (its plan is known for a relaunch, not yet for a first execution). */
    default void started(LineageRun run) {
    }

    /** A first execution has planned: its input files, output location and model are known now. */
    default void planned(LineageRun run) {
    }

    /** An execution ended: {@link LineageRun#outcome()} says how. */
    default void ended(LineageRun run) {
    }
}
