package io.nightshift.scoring;

import tools.jackson.databind.json.JsonMapper;

/**
 * Plans, settings and run summaries as JSON: how they are stored with a run (execution context, run table) and
 * shown by status.
 */
public final class PlanCodec {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private PlanCodec() {
    }

    public static String toJson(ScoringPlan plan) {
        return JSON.writeValueAsString(plan);
    }

    public static ScoringPlan plan(String json) {
        return JSON.readValue(json, ScoringPlan.class);
    }

    public static String toJson(ScoringSettings settings) {
        return JSON.writeValueAsString(settings);
    }

    public static ScoringSettings settings(String json) {
        return JSON.readValue(json, ScoringSettings.class);
    }

    public static String toJson(RunCommit.Summary summary) {
        return JSON.writeValueAsString(summary);
    }

    public static RunCommit.Summary summary(String json) {
        return JSON.readValue(json, RunCommit.Summary.class);
    }
}
