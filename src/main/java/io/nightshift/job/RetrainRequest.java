package io.nightshift.job;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import tools.jackson.databind.json.JsonMapper;

/**
 * A retraining run's request as kept with the run: the spec's text, where it was read from and the directory its
 * relative paths resolve against. Every step (and every relaunch) parses this text, not the file, which may have
 * changed since the run started.
 */
record RetrainRequest(String text, String source, String directory) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    RetrainRequest {
        requireNonNull(text, "text is null");
        requireNonNull(source, "source is null");
        requireNonNull(directory, "directory is null");
    }

    /** Reads a spec file and checks that it is a {@code kind: retrain} spec. */
    static RetrainRequest read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new JobSpecException("Cannot read job spec " + file + ": no such file. Job specs live in jobs/*.yaml.");
        } catch (IOException e) {
            throw new JobSpecException("Cannot read job spec " + file + ": " + e.getMessage());
        }
        RetrainRequest request = new RetrainRequest(text, file.toString(), file.toAbsolutePath().getParent().toString());
        if (request.spec().kind() != JobSpec.Kind.RETRAIN) {
            throw new JobSpecException("Cannot retrain with job spec " + file + ": it is a kind " + request.spec().kind().specName() + " job");
        }
        return request;
    }

    JobSpec spec() {
        return JobSpecParser.parse(text, source, Path.of(directory));
    }

    RetrainSettings settings() {
        return spec().retrain();
    }

    static String toJson(RetrainRequest request) {
        return JSON.writeValueAsString(request);
    }

    static RetrainRequest fromJson(String json) {
        return JSON.readValue(json, RetrainRequest.class);
    }
}
