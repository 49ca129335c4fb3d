package io.nightshift.model.registry;

import io.nightshift.model.ModelCache;
import io.nightshift.model.ModelException;
import io.nightshift.storage.Storage;
import io.nightshift.storage.StorageFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The registry store, through {@link Storage} (a local directory or {@code s3://}): a version's files under their
 * content address, {@code <location>/<name>/sha256/<sha256>/model.onnx} and {@code model.yaml} (the sha256 of
 * model.onnx followed by model.yaml), and gate reports under {@code <location>/<name>/reports/<version>/<n>/}. Files
 * are created once, conditionally, and never replaced.
 */
final class RegistryFiles {

    static final String MODEL_FILE = "model.onnx";
    static final String SPEC_FILE = "model.yaml";

    private final Storage storage;
    private final String location;

    RegistryFiles(Storage storage, String location) {
        this.storage = storage;
        this.location = storage.normalize(location);
    }

    String location() {
        return location;
    }

    /** The content-addressed directory of a model version's files. */
    String artifactDirectory(String name, String sha256) {
        return resolve(location, name, "sha256", sha256);
    }

    /**
     * Copies a version's files into its content-addressed directory. Files already there (the same bytes registered
     * before under this name) are kept if their bytes hash right; a file there with other bytes is an error.
     */
    void store(String directory, byte[] onnx, byte[] spec) throws IOException {
        put(storage.resolve(directory, MODEL_FILE), onnx);
        put(storage.resolve(directory, SPEC_FILE), spec);
    }

    private void put(String uri, byte[] content) throws IOException {
        if (storage.createIfAbsent(uri, content)) {
            return;
        }
        String expected = ModelCache.sha256(content);
        String actual = ModelCache.sha256(storage.readAll(uri));
        if (!actual.equals(expected)) {
            throw RegistryException.configuration("Cannot register: the registry store already holds " + uri + " with sha256 "
                    + abbreviated(actual) + ", not " + abbreviated(expected) + " as its address says. The store was changed by hand; "
                    + "remove that file and register again.");
        }
    }

    /** The bytes of a version's file, checked against the sha256 recorded when it was registered. */
    byte[] readVerified(ModelVersion version, String file, String registeredSha256) {
        String uri = storage.resolve(version.artifactUri(), file);
        byte[] content;
        try {
            if (storage.stat(uri).isEmpty()) {
                throw new ModelException("Cannot load " + version.reference() + ": " + file + " is missing from " + version.artifactUri()
                        + ". The artifact changed after registration; re-register it.");
            }
            content = storage.readAll(uri);
        } catch (IOException e) {
            throw new ModelException("Cannot load " + version.reference() + ": cannot read " + uri + ": " + e.getMessage(), e);
        }
        String actual = ModelCache.sha256(content);
        if (!actual.equals(registeredSha256)) {
            throw new ModelException("Cannot load " + version.reference() + ": " + file + " has sha256 " + abbreviated(actual)
                    + ", registered " + abbreviated(registeredSha256) + ". The artifact changed after registration; re-register it.");
        }
        return content;
    }

    /**
     * Copies the regular files directly in a local report directory (report.json, report.html, plots) to
     * {@code <location>/<name>/reports/<version>/<n>/}, the first {@code n} from 1 not used yet; returns that location.
     */
    String storeReport(String name, int version, Path reportDirectory) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> listing = Files.list(reportDirectory)) {
            listing.filter(Files::isRegularFile).sorted().forEach(files::add);
        }
        if (files.isEmpty()) {
            throw RegistryException.configuration("Cannot store the report of " + name + "@" + version + ": " + reportDirectory
                    + " holds no files");
        }
        String reports = resolve(location, name, "reports", Integer.toString(version));
        for (int attempt = lastReportNumber(reports) + 1; ; attempt++) {
            String directory = storage.resolve(reports, Integer.toString(attempt));
            String marker = storage.resolve(directory, files.getFirst().getFileName().toString());
            // The first file's conditional create claims the directory: two gates storing at once get different ones.
            if (!storage.createIfAbsent(marker, Files.readAllBytes(files.getFirst()))) {
                continue;
            }
            for (Path file : files.subList(1, files.size())) {
                storage.createIfAbsent(storage.resolve(directory, file.getFileName().toString()), Files.readAllBytes(file));
            }
            return directory.endsWith("/") ? directory : directory + "/";
        }
    }

    /** One file of a stored report directory (as {@link #storeReport} returned it). */
    byte[] readReport(String reportDirectory, String file) throws IOException {
        return storage.readAll(storage.resolve(reportDirectory, file));
    }

    /** The highest {@code n} of the report directories under {@code reports}; 0 when there are none. */
    private int lastReportNumber(String reports) throws IOException {
        String prefix = reports.endsWith("/") ? reports : reports + "/";
        int last = 0;
        for (StorageFile file : storage.listRecursive(reports)) {
            if (file.uri().startsWith(prefix)) {
                String rest = file.uri().substring(prefix.length());
                int slash = rest.indexOf('/');
                if (slash > 0 && rest.substring(0, slash).matches("[0-9]{1,9}")) {
                    last = Math.max(last, Integer.parseInt(rest.substring(0, slash)));
                }
            }
        }
        return last;
    }

    private String resolve(String base, String... names) {
        String uri = base;
        for (String name : names) {
            uri = storage.resolve(uri, name);
        }
        return uri;
    }

    static String abbreviated(String sha256) {
        return sha256.substring(0, Math.min(12, sha256.length())) + "…";
    }
}
