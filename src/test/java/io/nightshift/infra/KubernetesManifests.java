package io.nightshift.infra;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.yaml.snakeyaml.Yaml;

/** Every Kubernetes object of infra/k8s/, each with the file it came from, for {@link KubernetesManifestsTests}. */
record KubernetesManifests(List<Manifest> objects) {

    static final Path DIRECTORY = Path.of("infra", "k8s");

    KubernetesManifests {
        objects = List.copyOf(objects);
    }

    /** One document of a (possibly multi-document) YAML file. */
    record Manifest(String file, Map<String, Object> content) {

        Manifest {
            requireNonNull(file, "file is null");
            requireNonNull(content, "content is null");
        }

        String kind() {
            return (String) content.get("kind");
        }

        String name() {
            return (String) Tree.map(content, "metadata").get("name");
        }
    }

    static KubernetesManifests read() {
        List<Manifest> objects = new ArrayList<>();
        for (Path file : yamlFiles()) {
            if (file.getFileName().toString().equals("kustomization.yaml")) {
                continue;
            }
            try (Reader reader = Files.newBufferedReader(file)) {
                for (Object document : new Yaml().loadAll(reader)) {
                    if (document != null) {
                        objects.add(new Manifest(file.getFileName().toString(), Tree.asMap(document, file.toString())));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + file, e);
            }
        }
        return new KubernetesManifests(objects);
    }

    static List<Path> yamlFiles() {
        try (Stream<Path> files = Files.list(DIRECTORY)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + DIRECTORY, e);
        }
    }

    List<Manifest> ofKind(String kind) {
        return objects.stream().filter(object -> kind.equals(object.kind())).toList();
    }

    Manifest get(String kind, String name) {
        return objects.stream().filter(object -> kind.equals(object.kind()) && name.equals(object.name())).findFirst()
                .orElseThrow(() -> new AssertionError("infra/k8s/ has no " + kind + " named " + name));
    }
}
