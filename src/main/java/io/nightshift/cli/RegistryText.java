package io.nightshift.cli;

import io.nightshift.model.registry.AuditEntry;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** How the registry commands print versions, aliases and audit rows. */
final class RegistryText {

    private RegistryText() {
    }

    /** {@code   sha256      1a2b…}: a labelled line of a detail view. */
    static String field(String label, String value) {
        return "  %-12s %s%n".formatted(label, value);
    }

    /** {@code candidate→3, production→2}, or {@code -}. */
    static String aliases(Map<String, Integer> aliases) {
        return aliases.isEmpty() ? "-"
                : aliases.entrySet().stream().sorted(Map.Entry.comparingByKey()).map(alias -> alias.getKey() + "→" + alias.getValue())
                        .collect(Collectors.joining(", "));
    }

    /** Audit rows as a table; with {@code withModel} a MODEL column (the trail of every model). */
    static String audit(List<AuditEntry> entries, boolean withModel) {
        if (entries.isEmpty()) {
            return "No audit rows yet." + System.lineSeparator();
        }
        TextTable table = withModel ? new TextTable("ID>", "WHEN", "BY", "ACTION", "MODEL", "VERSION>", "MOVE", "REASON")
                : new TextTable("ID>", "WHEN", "BY", "ACTION", "VERSION>", "MOVE", "REASON");
        for (AuditEntry entry : entries) {
            String move = entry.alias() == null ? "-"
                    : entry.alias() + " " + (entry.previousVersion() == null ? "(new)" : entry.previousVersion()) + "→" + entry.newVersion();
            if (withModel) {
                table.row(entry.id(), Display.time(entry.at()), entry.actor(), entry.action(), entry.model(), entry.version(), move,
                        entry.reason());
            } else {
                table.row(entry.id(), Display.time(entry.at()), entry.actor(), entry.action(), entry.version(), move, entry.reason());
            }
        }
        return table.render("");
    }
}
