package io.nightshift.infra;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Dockerfile read into its stages and instructions, enough for {@link DockerfileTests} to check it without a
 * Docker engine: comments dropped, continued lines joined, global {@code ARG} defaults substituted into {@code FROM}.
 */
record Dockerfile(Map<String, String> globalArguments, List<Stage> stages) {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)}|\\$(\\w+)");

    Dockerfile {
        globalArguments = Map.copyOf(globalArguments);
        stages = List.copyOf(stages);
    }

    /** One {@code FROM} and the instructions up to the next. */
    record Stage(String name, String base, List<Instruction> instructions) {

        Stage {
            requireNonNull(name, "name is null");
            requireNonNull(base, "base is null");
            instructions = List.copyOf(instructions);
        }

        List<Instruction> all(String keyword) {
            return instructions.stream().filter(instruction -> instruction.keyword().equals(keyword)).toList();
        }

        Optional<Instruction> last(String keyword) {
            List<Instruction> matching = all(keyword);
            return matching.isEmpty() ? Optional.empty() : Optional.of(matching.getLast());
        }
    }

    /** An instruction: its upper-case keyword and the rest of its (joined) line. */
    record Instruction(String keyword, String arguments) {

        Instruction {
            requireNonNull(keyword, "keyword is null");
            requireNonNull(arguments, "arguments is null");
        }

        /** Exec (JSON array) form, as ENTRYPOINT and CMD need it for the process to get signals itself. */
        boolean isExecForm() {
            return arguments.startsWith("[") && arguments.endsWith("]");
        }
    }

    static Dockerfile read(Path file) {
        try {
            return parse(Files.readAllLines(file));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }

    static Dockerfile parse(List<String> lines) {
        Map<String, String> globalArguments = new LinkedHashMap<>();
        List<Stage> stages = new ArrayList<>();
        String name = null;
        String base = null;
        List<Instruction> instructions = new ArrayList<>();
        for (String line : logicalLines(lines)) {
            String[] parts = line.split("\\s+", 2);
            Instruction instruction = new Instruction(parts[0].toUpperCase(), parts.length > 1 ? parts[1].trim() : "");
            if (instruction.keyword().equals("FROM")) {
                if (base != null) {
                    stages.add(new Stage(name, base, instructions));
                }
                String[] from = substitute(instruction.arguments(), globalArguments).split("\\s+(?i:AS)\\s+");
                base = from[0].trim();
                name = from.length > 1 ? from[1].trim() : String.valueOf(stages.size());
                instructions = new ArrayList<>();
            } else if (base == null && instruction.keyword().equals("ARG")) {
                String[] argument = instruction.arguments().split("=", 2);
                globalArguments.put(argument[0], argument.length > 1 ? argument[1] : "");
            } else if (base != null) {
                instructions.add(instruction);
            }
        }
        if (base != null) {
            stages.add(new Stage(name, base, instructions));
        }
        return new Dockerfile(globalArguments, stages);
    }

    Stage stage(String name) {
        return stages.stream().filter(stage -> stage.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("Dockerfile has no stage named " + name));
    }

    private static List<String> logicalLines(List<String> lines) {
        List<String> logical = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : lines) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.isEmpty())) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            current.append(trimmed);
            logical.add(current.toString().strip());
            current.setLength(0);
        }
        return logical;
    }

    private static String substitute(String text, Map<String, String> arguments) {
        Matcher matcher = VARIABLE.matcher(text);
        StringBuilder result = new StringBuilder();
        while (matcher.find()) {
            String variable = matcher.group(1) != null ? matcher.group(1) : matcher.group(2);
            matcher.appendReplacement(result, Matcher.quoteReplacement(arguments.getOrDefault(variable, matcher.group())));
        }
        return matcher.appendTail(result).toString();
    }
}
