package io.nightshift.infra;

import static io.nightshift.infra.Tree.asList;
import static io.nightshift.infra.Tree.asMap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Terraform configuration of infra/terraform/, every .tf file converted to JSON by HashiCorp's HCL parser
 * (@cdktf/hcl2json, run with node: there is no terraform binary on the build machines), with the blocks of all files
 * merged by kind: {@code resource "type" "name"}, {@code data}, {@code variable}, {@code output}, {@code module}.
 */
record TerraformConfiguration(Map<String, Object> files) {

    static final Path DIRECTORY = Path.of("infra", "terraform");
    static final Path CONVERTER = DIRECTORY.resolve("test");

    TerraformConfiguration {
        files = Map.copyOf(files);
    }

    /** Why the configuration cannot be read here, or null when it can (node and the npm package are installed). */
    static String unavailableReason() {
        if (Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":")).noneMatch(directory -> Files.isExecutable(Path.of(directory, "node")))) {
            return "node is not installed: the Terraform checks need it to run @cdktf/hcl2json";
        }
        if (!Files.isDirectory(CONVERTER.resolve("node_modules").resolve("@cdktf").resolve("hcl2json"))) {
            return "@cdktf/hcl2json is not installed: run `npm ci` in " + CONVERTER + " (.ci/run does)";
        }
        return null;
    }

    static TerraformConfiguration read() throws IOException, InterruptedException {
        Process process = new ProcessBuilder("node", CONVERTER.resolve("hcl2json.js").toString(), DIRECTORY.toString())
                .redirectError(ProcessBuilder.Redirect.PIPE).start();
        byte[] json = process.getInputStream().readAllBytes();
        String errors = new String(process.getErrorStream().readAllBytes());
        if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new AssertionError("hcl2json could not convert " + DIRECTORY + ": " + errors);
        }
        return new TerraformConfiguration(asMap(JsonMapper.builder().build().readValue(json, Map.class), "hcl2json's output"));
    }

    /** Every {@code resource "type" "name"} of a type, by name. */
    Map<String, Map<String, Object>> resources(String type) {
        return labelled("resource", type);
    }

    /** Every {@code data "type" "name"} of a type, by name. */
    Map<String, Map<String, Object>> data(String type) {
        return labelled("data", type);
    }

    /** Every block of a single-label kind ({@code variable}, {@code output}, {@code module}), by name. */
    Map<String, Map<String, Object>> blocks(String kind) {
        Map<String, Map<String, Object>> blocks = new LinkedHashMap<>();
        for (Map<String, Object> file : fileContents()) {
            if (file.get(kind) != null) {
                asMap(file.get(kind), kind).forEach((name, body) -> blocks.put(name, only(body, kind + " " + name)));
            }
        }
        return blocks;
    }

    List<Map<String, Object>> fileContents() {
        return files.entrySet().stream().map(entry -> asMap(entry.getValue(), entry.getKey())).toList();
    }

    private Map<String, Map<String, Object>> labelled(String kind, String type) {
        Map<String, Map<String, Object>> blocks = new LinkedHashMap<>();
        for (Map<String, Object> file : fileContents()) {
            if (file.get(kind) != null && asMap(file.get(kind), kind).get(type) != null) {
                asMap(asMap(file.get(kind), kind).get(type), type).forEach((name, body) -> blocks.put(name, only(body, type + "." + name)));
            }
        }
        return blocks;
    }

    /** hcl2json gives each block as a list of its bodies; a block defined once has one. */
    static Map<String, Object> only(Object bodies, String where) {
        List<Object> list = asList(bodies, where);
        if (list.size() != 1) {
            throw new AssertionError(where + " is defined " + list.size() + " times");
        }
        return asMap(list.getFirst(), where);
    }
}
