package io.nightshift.infra;

import java.util.List;
import java.util.Map;

/** Typed steps into the maps and lists SnakeYAML and the JSON parser return, failing with the path that was missing. */
final class Tree {

    private Tree() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object value, String where) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new AssertionError(where + " is not a mapping: " + value);
        }
        return (Map<String, Object>) map;
    }

    @SuppressWarnings("unchecked")
    static List<Object> asList(Object value, String where) {
        if (!(value instanceof List<?> list)) {
            throw new AssertionError(where + " is not a list: " + value);
        }
        return (List<Object>) list;
    }

    /** The mapping at a path of keys, e.g. {@code map(deployment, "spec", "template", "spec")}. */
    static Map<String, Object> map(Map<String, Object> root, String... keys) {
        Object value = root;
        StringBuilder where = new StringBuilder();
        for (String key : keys) {
            value = asMap(value, where.isEmpty() ? "the document" : where.toString()).get(key);
            where.append(where.isEmpty() ? "" : ".").append(key);
            if (value == null) {
                throw new AssertionError(where + " is missing");
            }
        }
        return asMap(value, where.toString());
    }

    /** The list at a key of a mapping. */
    static List<Object> list(Map<String, Object> map, String key) {
        Object value = map.get(key);
        if (value == null) {
            throw new AssertionError(key + " is missing in " + map.keySet());
        }
        return asList(value, key);
    }

    /** The list at a key, as mappings. */
    static List<Map<String, Object>> maps(Map<String, Object> map, String key) {
        return list(map, key).stream().map(item -> asMap(item, key + "[]")).toList();
    }
}
