package io.nightshift.scoring;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/**
 * Schemas and key-value metadata of a run's output: copied columns keep their input types exactly; each model
 * output is a required float column; rejects carry the id, where the row came from, and why it was rejected.
 */
final class OutputSchemas {

    private OutputSchemas() {
    }

    static MessageType output(ScoringPlan plan) {
        StringBuilder schema = new StringBuilder("message scores {\n");
        for (ScoringPlan.PlannedColumn column : plan.columns().subList(0, plan.featureOffset())) {
            schema.append("  ").append(field(column, false)).append(";\n");
        }
        for (String output : plan.outputColumns()) {
            schema.append("  required float ").append(quote(output)).append(";\n");
        }
        return MessageTypeParser.parseMessageType(schema.append("}").toString());
    }

    static MessageType rejects(ScoringPlan plan) {
        ScoringPlan.PlannedColumn id = plan.columns().getFirst();
        return MessageTypeParser.parseMessageType("message rejects {\n  " + field(id, true) + ";\n"
                + "  required binary source_file (STRING);\n"
                + "  required int64 row_index;\n"
                + "  required binary reason (STRING);\n"
                + "  required binary message (STRING);\n}");
    }

    static Map<String, String> metadata(ScoringPlan plan, long runId, long epoch) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("nightshift.run.id", Long.toString(runId));
        metadata.put("nightshift.lease.epoch", Long.toString(epoch));
        metadata.put("nightshift.model.name", plan.model().name());
        metadata.put("nightshift.model.version", plan.model().version());
        metadata.put("nightshift.model.sha256", plan.model().sha256());
        metadata.put("nightshift.features", String.join(",", plan.featureNames()));
        return metadata;
    }

    /** {@code optional binary (STRING)} + name → {@code optional binary region (STRING)}. */
    private static String field(ScoringPlan.PlannedColumn column, boolean forceOptional) {
        List<String> tokens = new ArrayList<>(List.of(column.parquetType().split(" ", 3)));
        if (forceOptional) {
            tokens.set(0, "optional");
        }
        String field = tokens.get(0) + " " + tokens.get(1) + " " + quote(column.name());
        return tokens.size() > 2 ? field + " " + tokens.get(2) : field;
    }

    private static String quote(String name) {
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new ScoringException(ScoringException.Kind.CONFIGURATION, "Column name '" + name
                    + "' cannot be written to Parquet by Nightshift: use letters, digits and underscores");
        }
        return name;
    }
}
