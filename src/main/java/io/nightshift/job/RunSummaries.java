package io.nightshift.job;

import io.nightshift.scoring.RunCommit;
import tools.jackson.databind.json.JsonMapper;

/** Run summaries as stored in the job execution context. */
final class RunSummaries {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private RunSummaries() {
    }

    static String toJson(RunCommit.Summary summary) {
        return JSON.writeValueAsString(summary);
    }

    static RunCommit.Summary fromJson(String json) {
        return JSON.readValue(json, RunCommit.Summary.class);
    }
}
