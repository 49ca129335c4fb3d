package io.nightshift.model.registry;

import io.nightshift.DidYouMean;
import io.nightshift.model.LoadedModel;
import io.nightshift.model.ModelArtifact;
import io.nightshift.model.ModelCache;
import io.nightshift.model.ModelException;
import io.nightshift.model.ModelReferences;
import io.nightshift.model.ModelSpec;
import io.nightshift.model.ModelSpecParser;
import io.nightshift.model.ModelSpecWriter;
import io.nightshift.storage.Storage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The model registry: immutable numbered versions of a model in a content-addressed store, aliases
 * ({@code production}, {@code candidate}, any other) with the history of every move, the gate's results, approvals,
 * promotion and rollback, and an append-only audit trail. The four-eyes rules live here, not in a face, so the command
 * line and a REST API enforce the same ones. Every change to a model is one transaction, with its audit row.
 */
public final class ModelRegistry implements ModelReferences {

    /** The alias scoring uses by default; moved only by promotion and rollback. */
    public static final String PRODUCTION = "production";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Pattern ALIAS = Pattern.compile("[A-Za-z][A-Za-z0-9._-]{0,99}");
    private static final Pattern NUMBER = Pattern.compile("[0-9]{1,9}");
    private static final int REGISTER_ATTEMPTS = 5;

    private final RegistryStore store;
    private final RegistryFiles files;
    private final Storage storage;
    private final ModelCache cache;
    private final TransactionTemplate transactions;
    private final Clock clock;

    ModelRegistry(RegistryStore store, RegistryFiles files, Storage storage, ModelCache cache, TransactionTemplate transactions, Clock clock) {
        this.store = store;
        this.files = files;
        this.storage = storage;
        this.cache = cache;
        this.transactions = transactions;
        this.clock = clock;
    }

    /** The store's root location (normalised URI). */
    public String location() {
        return files.location();
    }

    // --- register ----------------------------------------------------------------------------------------------------

    /**
     * Copies a model into the store and records it as the model's next version (1 for a new name), state REGISTERED.
     * A bare .onnx (or a directory without model.yaml) needs its features, and gets a model.yaml written with them.
     * The same model.onnx and model.yaml registered again under the same name is refused: a version is immutable, and
     * one set of bytes has one version.
     */
    public ModelVersion register(Registration registration) {
        String name = checkName(registration.name(), "register");
        String by = checkIdentity(registration.by(), "register " + name);
        Source source = read(registration);
        byte[] specBytes = source.spec != null ? source.spec : writtenSpec(registration, name, source);
        ModelSpec spec = ModelSpecParser.parse(new String(specBytes, StandardCharsets.UTF_8), source.uri + " (model.yaml)", name, "0");
        checkWidth(source, spec);
        String description = registration.description() != null ? registration.description() : spec.metadata().description();
        String sha256 = ModelCache.sha256(source.onnx, specBytes);
        refuseDuplicate(name, sha256, registration.source());
        String directory = files.artifactDirectory(name, sha256);
        try {
            // Before the row: a version the database lists always has its files. Content-addressed, so a failed
            // registration leaves only files a retry reuses.
            files.store(directory, source.onnx, specBytes);
        } catch (IOException e) {
            throw RegistryException.configuration("Cannot register " + registration.source() + " as " + name + ": cannot write to the "
                    + "registry store " + directory + ": " + e.getMessage());
        }
        for (int attempt = 1; ; attempt++) {
            try {
                return inTransaction(() -> {
                    Instant now = clock.instant();
                    int version = store.nextVersion(name);
                    ModelVersion registered = new ModelVersion(name, version, ModelState.REGISTERED, by, now, source.uri, directory, sha256,
                            ModelCache.sha256(source.onnx), ModelCache.sha256(specBytes), description, null, 0, null, null, null);
                    store.insert(registered);
                    store.audit(now, by, "register", name, version, null, null, null, "from " + source.uri
                            + (description == null ? "" : ": " + description));
                    return registered;
                });
            } catch (DuplicateKeyException e) {
                // Another registration took the number (retry with the next), or registered the same bytes (refuse).
                refuseDuplicate(name, sha256, registration.source());
                if (attempt == REGISTER_ATTEMPTS) {
                    throw RegistryException.refused("Cannot register " + registration.source() + " as " + name + ": other registrations "
                            + "of " + name + " took version numbers " + REGISTER_ATTEMPTS + " times in a row; try again.");
                }
            }
        }
    }

    private void refuseDuplicate(String name, String sha256, String source) {
        Optional<ModelVersion> existing = store.versionWithSha256(name, sha256);
        if (existing.isPresent()) {
            throw RegistryException.refused("Cannot register " + source + " as " + name + ": the same model.onnx and model.yaml are "
                    + "already registered as " + existing.get().reference() + " (sha256 " + RegistryFiles.abbreviated(sha256) + "). A "
                    + "version never changes; use " + existing.get().reference() + ", or change the model to register a new version.");
        }
    }

    /** The bytes of a registration's source: model.onnx, and model.yaml when it is a directory that has one. */
    private record Source(String uri, byte[] onnx, byte[] spec) {
    }

    private Source read(Registration registration) {
        String uri = storage.normalize(registration.source());
        String what = "Cannot register " + registration.source();
        try {
            byte[] onnx;
            byte[] spec = null;
            if (storage.stat(uri).isPresent()) {
                onnx = storage.readAll(uri);
            } else {
                String onnxUri = storage.resolve(uri, RegistryFiles.MODEL_FILE);
                if (storage.stat(onnxUri).isEmpty()) {
                    throw RegistryException.configuration(what + ": no such file, and no " + RegistryFiles.MODEL_FILE + " inside it. "
                            + "Give a .onnx file or a model directory holding " + RegistryFiles.MODEL_FILE + " (and optionally "
                            + RegistryFiles.SPEC_FILE + ").");
                }
                onnx = storage.readAll(onnxUri);
                String specUri = storage.resolve(uri, RegistryFiles.SPEC_FILE);
                if (storage.stat(specUri).isPresent()) {
                    spec = storage.readAll(specUri);
                }
            }
            if (onnx.length == 0) {
                throw RegistryException.configuration(what + ": its model.onnx is empty (0 bytes)");
            }
            if (spec != null && (!registration.features().isEmpty() || registration.featurePrefix() != null)) {
                throw RegistryException.refused(what + ": it has a model.yaml, which lists the features; --features and "
                        + "--feature-prefix are for a bare .onnx only. Leave them out, or edit model.yaml.");
            }
            if (spec == null && registration.features().isEmpty() && registration.featurePrefix() == null) {
                throw RegistryException.refused(what + ": a model without model.yaml needs its features: give --features a,b,c (in "
                        + "input order) or --feature-prefix P, and a model.yaml is written with them.");
            }
            return new Source(uri, onnx, spec);
        } catch (IOException e) {
            throw RegistryException.configuration(what + ": " + e.getMessage());
        }
    }

    /** The model.yaml of a model that came without one: its name and features, no version (the registry gives that). */
    private byte[] writtenSpec(Registration registration, String name, Source source) {
        List<String> features = registration.featurePrefix() != null
                ? prefixedFeatures(registration.featurePrefix(), width(source).orElseThrow(() -> RegistryException.refused(
                        "Cannot register " + registration.source() + " with --feature-prefix: its input width is not fixed in the "
                                + "model, so the number of features is unknown. Give --features a,b,c instead.")))
                : registration.features();
        ModelSpec.Metadata metadata = new ModelSpec.Metadata(null, null, null, Map.of(), registration.description());
        ModelSpec spec;
        try {
            spec = new ModelSpec(name, "0", null, features.stream().map(ModelSpec.FeatureSpec::plain).toList(), List.of(), metadata);
        } catch (IllegalArgumentException e) {
            throw RegistryException.refused("Cannot register " + registration.source() + ": " + e.getMessage());
        }
        return ModelSpecWriter.toYaml(spec, List.of("Written by `nightshift models register` for a model given without model.yaml."), false)
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The columns {@code --feature-prefix P} names for a model whose input takes {@code width} features: P followed by
     * the index, zero-padded to at least two digits so that sorting by name keeps input order ({@code f00 … f11} for
     * 12), the way Nightshift's synthetic data and trainer name anonymous features.
     */
    public static List<String> prefixedFeatures(String prefix, int width) {
        int digits = Math.max(2, String.valueOf(width - 1).length());
        List<String> names = new ArrayList<>(width);
        for (int index = 0; index < width; index++) {
            names.add(prefix + "0".repeat(digits - String.valueOf(index).length()) + index);
        }
        return names;
    }

    private void checkWidth(Source source, ModelSpec spec) {
        if (spec.features().isEmpty()) {
            return;
        }
        OptionalInt width = width(source);
        if (width.isPresent() && width.getAsInt() != spec.features().size()) {
            throw RegistryException.refused("Cannot register " + source.uri + ": its model.onnx takes " + width.getAsInt()
                    + " features per row, but " + spec.features().size() + " are listed " + spec.featureNames() + ".");
        }
    }

    /** The model's input width, read by ONNX Runtime from a temporary copy; empty when dynamic. */
    private static OptionalInt width(Source source) {
        Path temporary = null;
        try {
            temporary = Files.createTempFile("nightshift-register-", ".onnx");
            Files.write(temporary, source.onnx);
            return LoadedModel.inputWidth(temporary);
        } catch (IOException e) {
            throw RegistryException.configuration("Cannot register " + source.uri + ": cannot write a temporary copy to read its input "
                    + "width: " + e.getMessage());
        } catch (ModelException e) {
            throw RegistryException.configuration("Cannot register " + source.uri + ": " + e.getMessage());
        } finally {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException e) {
                    // A leftover in the temporary directory is harmless.
                }
            }
        }
    }

    // --- resolve -----------------------------------------------------------------------------------------------------

    /** For {@link io.nightshift.model.ModelResolver}: the artifact of a reference, its files verified; see {@link #resolveVersion}. */
    @Override
    public ModelArtifact resolve(String reference) {
        return resolveVersion(reference).artifact();
    }

    /**
     * Resolves {@code churn@production}, {@code churn@candidate} or {@code churn@3} to one version, reads its files from the
     * store and checks them against the sha256 recorded at registration (a tampered or truncated file is refused), and
     * caches them locally. The artifact's location is {@code churn@3}: what a run pins. Fails with a {@link ModelException}.
     */
    public ResolvedVersion resolveVersion(String reference) {
        ModelVersion version;
        try {
            version = find(reference, "load model");
        } catch (RegistryException e) {
            throw new ModelException(e.getMessage());
        }
        byte[] onnx = files.readVerified(version, RegistryFiles.MODEL_FILE, version.onnxSha256());
        byte[] spec = files.readVerified(version, RegistryFiles.SPEC_FILE, version.specSha256());
        ModelArtifact artifact = cache.registered(version.reference(), version.name(), Integer.toString(version.version()), onnx, spec);
        if (!artifact.sha256().equals(version.sha256())) {
            throw new ModelException("Cannot load " + version.reference() + ": its files have sha256 "
                    + RegistryFiles.abbreviated(artifact.sha256()) + ", registered " + RegistryFiles.abbreviated(version.sha256())
                    + ". The artifact changed after registration; re-register it.");
        }
        return new ResolvedVersion(reference, version, artifact);
    }

    @Override
    public void requireKnown(String reference) {
        find(reference, "load");
    }

    /** The version a reference names, without reading its files (what {@code models show NAME@V} shows). */
    public ModelVersion version(String reference) {
        return find(reference, "show");
    }

    private ModelVersion find(String reference, String action) {
        Matcher matcher = ModelReferences.REFERENCE.matcher(reference);
        if (!matcher.matches()) {
            throw RegistryException.refused("Cannot " + action + " " + reference + ": a registry reference is NAME@VERSION or "
                    + "NAME@ALIAS, e.g. churn@3 or churn@production");
        }
        String name = matcher.group(1);
        String selector = matcher.group(2);
        String prefix = "Cannot " + action + " " + reference + ": ";
        List<ModelVersion> versions = versionsOf(name, prefix);
        if (NUMBER.matcher(selector).matches()) {
            int number = Integer.parseInt(selector);
            return versions.stream().filter(version -> version.version() == number).findFirst()
                    .orElseThrow(() -> RegistryException.configuration(prefix + name + " has no version " + number + "; its versions are "
                            + versions.stream().map(version -> Integer.toString(version.version())).collect(Collectors.joining(", ")) + "."));
        }
        Map<String, Integer> aliases = store.aliases(name);
        Integer number = aliases.get(selector);
        if (number == null) {
            String suggestion = DidYouMean.closest(selector, aliases.keySet()).map(alias -> " (did you mean " + name + "@" + alias + "?)")
                    .orElse("");
            String known = aliases.isEmpty()
                    ? name + " has no aliases yet (production is set when a version is approved and promoted)"
                    : "its aliases are " + describe(aliases);
            throw RegistryException.configuration(prefix + name + " has no alias " + selector + suggestion + "; " + known + ".");
        }
        return versions.stream().filter(version -> version.version() == number).findFirst().orElseThrow();
    }

    /** The versions of a model, oldest first; an unknown name fails naming the known ones (with a did-you-mean). */
    private List<ModelVersion> versionsOf(String name, String prefix) {
        List<ModelVersion> versions = store.versions(name);
        if (!versions.isEmpty()) {
            return versions;
        }
        List<String> names = store.names();
        if (names.isEmpty()) {
            throw RegistryException.configuration(prefix + "the registry holds no models yet. Register one: nightshift models "
                    + "register PATH --name " + name);
        }
        String suggestion = DidYouMean.closest(name, names).map(known -> " (did you mean " + known + "?)").orElse("");
        throw RegistryException.configuration(prefix + "no model named " + name + " in the registry" + suggestion + "; registered models: "
                + String.join(", ", names) + ".");
    }

    private static String describe(Map<String, Integer> aliases) {
        return aliases.entrySet().stream().map(alias -> alias.getKey() + " → " + alias.getValue()).collect(Collectors.joining(", "));
    }

    // --- views -------------------------------------------------------------------------------------------------------

    /** A model with every version, oldest first, and its aliases. */
    public record ModelView(String name, List<ModelVersion> versions, Map<String, Integer> aliases) {
        public ModelView {
            versions = List.copyOf(versions);
            aliases = Map.copyOf(aliases);
        }

        public ModelVersion latest() {
            return versions.getLast();
        }

        /** The aliases pointing at a version, sorted. */
        public List<String> aliasesOf(int version) {
            return aliases.entrySet().stream().filter(alias -> alias.getValue() == version).map(Map.Entry::getKey).sorted().toList();
        }
    }

    /** Every model, by name. */
    public List<ModelView> models() {
        return store.names().stream().map(name -> new ModelView(name, store.versions(name), store.aliases(name))).toList();
    }

    /** One model; an unknown name fails naming the known ones. */
    public ModelView model(String name) {
        List<ModelVersion> versions = versionsOf(name, "Cannot show " + name + ": ");
        return new ModelView(name, versions, store.aliases(name));
    }

    /** Who approved a version since its latest gate run. */
    public List<String> approvers(ModelVersion version) {
        return store.approvers(version.name(), version.version(), version.gateRuns());
    }

    /** A model's alias moves, oldest first. */
    public List<AliasMove> aliasHistory(String name) {
        versionsOf(name, "Cannot show the history of " + name + ": ");
        return store.aliasHistory(name);
    }

    /** A model's audit trail (registrations, gate runs, approvals, state changes, alias moves), oldest first. */
    public List<AuditEntry> history(String name) {
        versionsOf(name, "Cannot show the history of " + name + ": ");
        return store.auditTrail(name);
    }

    /** The audit trail of one model, or of every model when {@code model} is null, oldest first. */
    public List<AuditEntry> audit(String model) {
        return store.auditTrail(model);
    }

    // --- the gate ----------------------------------------------------------------------------------------------------

    /**
     * Records what the gate decided about a version: GATE_FAILED, or PENDING_APPROVAL (needing
     * {@code approvalsRequired} distinct approvers, at least one), or, when the policy auto-promotes and requires no
     * approval, PROMOTED at once. The production version the gate compared with is kept: if production moves before
     * the approvals are complete, the gate must run again. Refused when production already moved while the gate ran.
     *
     * @param productionVersionAtGate the production version the gate compared against; null when there was none
     * @param reportLocation          where the report is ({@link #storeReport}); null to keep the one recorded
     */
    public ModelVersion recordGateResult(String name, int version, boolean passed, Integer productionVersionAtGate, int approvalsRequired,
            boolean autoPromote, String reportLocation, String by) {
        String actor = checkIdentity(by, "record a gate result");
        if (approvalsRequired < 0) {
            throw new IllegalArgumentException("approvalsRequired must be 0 or more, was " + approvalsRequired);
        }
        return inTransaction(() -> {
            ModelVersion candidate = locked(name, version, "record a gate result for");
            String prefix = "Cannot record a gate result for " + candidate.reference() + ": ";
            if (candidate.state() != ModelState.REGISTERED && candidate.state() != ModelState.GATE_FAILED
                    && candidate.state() != ModelState.PENDING_APPROVAL) {
                throw RegistryException.refused(prefix + "it is " + candidate.state() + "; the gate decides about candidates only.");
            }
            Integer production = store.alias(name, PRODUCTION).orElse(null);
            if (!Objects.equals(production, productionVersionAtGate)) {
                throw RegistryException.refused(prefix + "the gate compared it with " + productionName(name, productionVersionAtGate)
                        + ", but production is now " + productionName(name, production) + ". Run the gate again.");
            }
            Instant now = clock.instant();
            ModelState state = passed ? ModelState.PENDING_APPROVAL : ModelState.GATE_FAILED;
            store.recordGate(name, version, state, productionVersionAtGate, approvalsRequired, reportLocation, now);
            String outcome = passed ? "; " + approvalsRequired + " approval(s) required" : "";
            store.audit(now, actor, "gate", name, version, null, null, null, (passed ? "passed" : "failed") + " against "
                    + productionName(name, productionVersionAtGate) + outcome + (reportLocation == null ? "" : "; report " + reportLocation));
            if (passed && autoPromote && approvalsRequired == 0) {
                promote(name, version, actor, now, "auto-promoted: the gate passed and the policy requires no approval");
            }
            return store.version(name, version).orElseThrow();
        });
    }

    /**
     * Copies a gate report (the regular files of a local directory: report.json, report.html, plots) into the store
     * beside the version and records where: {@code <location>/<name>/reports/<version>/<n>/}.
     */
    public String storeReport(String name, int version, Path reportDirectory, String by) {
        String actor = checkIdentity(by, "store a report");
        ModelVersion stored = store.version(name, version).orElseThrow(() -> RegistryException.configuration("Cannot store a report for "
                + name + "@" + version + ": no such version"));
        String location;
        try {
            location = files.storeReport(name, version, reportDirectory);
        } catch (IOException e) {
            throw RegistryException.configuration("Cannot store the report of " + stored.reference() + " from " + reportDirectory + ": "
                    + e.getMessage());
        }
        inTransaction(() -> {
            store.setReport(name, version, location);
            store.audit(clock.instant(), actor, "report", name, version, null, null, null, "report stored at " + location);
            return null;
        });
        return location;
    }

    /**
     * The {@code report.json} of the last gate report stored for a version, as the gate wrote it; empty when the version
     * has no stored report.
     */
    public Optional<byte[]> reportJson(String name, int version) {
        ModelVersion stored = store.version(name, version).orElseThrow(() -> RegistryException.configuration("Cannot read the"
                + " report of " + name + "@" + version + ": no such version"));
        if (stored.reportUri() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(files.readReport(stored.reportUri(), io.nightshift.gate.Gate.REPORT_JSON));
        } catch (IOException e) {
            throw RegistryException.configuration("Cannot read the report of " + stored.reference() + " at " + stored.reportUri()
                    + ": " + e.getMessage());
        }
    }

    // --- people ------------------------------------------------------------------------------------------------------

    /**
     * What an approval did.
     *
     * @param approvers          distinct people who approved since the latest gate run, this one included
     * @param required           how many distinct approvers promotion needs
     * @param counted            false when this person had already approved (the same person twice counts once)
     * @param previousProduction the version promotion replaced; null if not promoted, or nothing was in production
     */
    public record Approval(ModelVersion version, List<String> approvers, int required, boolean counted, boolean promoted,
            Integer previousProduction) {
        public Approval {
            approvers = List.copyOf(approvers);
        }
    }

    /**
     * Approves a candidate the gate passed. Refused for whoever registered it (a person or the job that trained it), for
     * a job identity, for a candidate that failed the gate or was never gated, and when production moved since the gate
     * compared against it. With the last required approval, promotes it in the same transaction.
     */
    public Approval approve(String name, int version, String by, String reason) {
        String approver = checkIdentity(by, "approve " + name + "@" + version);
        String why = checkReason(reason, "approve " + name + "@" + version);
        return inTransaction(() -> {
            ModelVersion candidate = locked(name, version, "approve");
            String prefix = "Cannot approve " + candidate.reference() + ": ";
            switch (candidate.state()) {
                case PENDING_APPROVAL -> {
                }
                case GATE_FAILED -> throw RegistryException.refused(prefix + "it failed the gate"
                        + (candidate.reportUri() == null ? "" : " (report: " + candidate.reportUri() + ")")
                        + "; a failed candidate cannot be approved. Register an improved model as a new version.");
                case REGISTERED -> throw RegistryException.refused(prefix + "it was never gated; the gate must pass it before anyone can "
                        + "approve it.");
                default -> throw RegistryException.refused(prefix + "it is " + candidate.state() + "; only a candidate pending approval can "
                        + "be approved.");
            }
            if (approver.equals(candidate.registeredBy())) {
                throw RegistryException.refused(prefix + approver + " registered it, and whoever registered a candidate (or the job that "
                        + "trained it) cannot approve it (four eyes). Ask someone else to approve it.");
            }
            if (approver.startsWith("job:")) {
                throw RegistryException.refused(prefix + "approvals come from people, not jobs (" + approver + ").");
            }
            Integer production = store.alias(name, PRODUCTION).orElse(null);
            if (!Objects.equals(production, candidate.gateProductionVersion())) {
                throw RegistryException.refused(prefix + "the gate compared it with " + productionName(name, candidate.gateProductionVersion())
                        + ", but production has since moved to " + productionName(name, production) + ". Run the gate again.");
            }
            Instant now = clock.instant();
            List<String> approvers = new ArrayList<>(store.approvers(name, version, candidate.gateRuns()));
            boolean counted = !approvers.contains(approver);
            if (counted) {
                store.insertApproval(name, version, candidate.gateRuns(), approver, now, why);
                approvers.add(approver);
            }
            int required = Math.max(1, candidate.approvalsRequired() == null ? 1 : candidate.approvalsRequired());
            store.audit(now, approver, "approve", name, version, null, null, null, why + " (" + approvers.size() + " of " + required
                    + " approvals" + (counted ? "" : "; " + approver + " had approved already, counted once") + ")");
            boolean promoted = approvers.size() >= required;
            Integer previous = promoted ? promote(name, version, approver, now, "approved by " + String.join(", ", approvers)) : null;
            return new Approval(store.version(name, version).orElseThrow(), approvers, required, counted, promoted, previous);
        });
    }

    /**
     * Moves production to a version in the caller's transaction: alias, history, audit, the version PROMOTED and the one
     * it replaces ARCHIVED (kept, so rollback can return to it). Returns the replaced version, or null.
     */
    private Integer promote(String name, int version, String by, Instant now, String reason) {
        Integer previous = store.alias(name, PRODUCTION).orElse(null);
        store.moveAlias(name, PRODUCTION, AliasMove.PROMOTE, previous, version, by, now, reason);
        store.setState(name, version, ModelState.PROMOTED);
        if (previous != null && previous != version) {
            store.setState(name, previous, ModelState.ARCHIVED);
        }
        store.audit(now, by, "promote", name, version, PRODUCTION, previous, version, reason);
        return previous;
    }

    /** Rejects a candidate (registered, failed or pending): it can never be approved. */
    public ModelVersion reject(String name, int version, String by, String reason) {
        String actor = checkIdentity(by, "reject " + name + "@" + version);
        String why = checkReason(reason, "reject " + name + "@" + version);
        return inTransaction(() -> {
            ModelVersion candidate = locked(name, version, "reject");
            if (candidate.state() != ModelState.REGISTERED && candidate.state() != ModelState.GATE_FAILED
                    && candidate.state() != ModelState.PENDING_APPROVAL) {
                throw RegistryException.refused("Cannot reject " + candidate.reference() + ": it is " + candidate.state() + "; only a "
                        + "candidate (registered, failed by the gate or pending approval) can be rejected."
                        + (candidate.state() == ModelState.PROMOTED ? " To take it out of production: nightshift models rollback " + name : ""));
            }
            store.setState(name, version, ModelState.REJECTED);
            store.audit(clock.instant(), actor, "reject", name, version, null, null, null, why);
            return candidate.withState(ModelState.REJECTED);
        });
    }

    /** What a rollback did: production moved from {@code from} back to {@code to}. */
    public record Rollback(String name, int from, int to) {
    }

    /**
     * Moves production back one step: to exactly the version the current one replaced when it was promoted. The
     * rolled-back version becomes ARCHIVED, the restored one PROMOTED; one transaction, audited. Two rollbacks in a row
     * walk back two promotions.
     */
    public Rollback rollback(String name, String by, String reason) {
        String actor = checkIdentity(by, "roll back " + name);
        String why = checkReason(reason, "roll back " + name);
        return inTransaction(() -> {
            versionsOf(name, "Cannot roll back " + name + ": ");
            store.lock(name);
            int current = store.alias(name, PRODUCTION).orElseThrow(() -> RegistryException.refused("Cannot roll back " + name
                    + ": no version of it is in production."));
            Integer previous = store.lastPromotionTo(name, current).map(AliasMove::fromVersion).orElse(null);
            if (previous == null) {
                throw RegistryException.refused("Cannot roll back " + name + ": production " + name + "@" + current + " replaced no "
                        + "earlier version, so there is nothing to go back to.");
            }
            Instant now = clock.instant();
            store.moveAlias(name, PRODUCTION, AliasMove.ROLLBACK, current, previous, actor, now, why);
            store.setState(name, current, ModelState.ARCHIVED);
            store.setState(name, previous, ModelState.PROMOTED);
            store.audit(now, actor, "rollback", name, current, PRODUCTION, current, previous, why);
            return new Rollback(name, current, previous);
        });
    }

    /** What an alias move did; {@code from} null when the alias is new, equal to {@code to} when nothing changed. */
    public record AliasChange(String name, String alias, Integer from, int to) {
        public boolean changed() {
            return from == null || from != to;
        }
    }

    /**
     * Points an alias other than production ({@code candidate}, {@code shadow}, …) at a version; audited. Production
     * moves only by approval (promotion) and rollback, so that four eyes cannot be sidestepped.
     */
    public AliasChange moveAlias(String name, String alias, int version, String by, String reason) {
        String actor = checkIdentity(by, "move alias " + alias + " of " + name);
        if (!ALIAS.matcher(alias).matches()) {
            throw RegistryException.refused("Cannot move alias " + alias + " of " + name + ": an alias starts with a letter and holds "
                    + "letters, digits, '.', '_' or '-' (at most 100), e.g. candidate or shadow-2026");
        }
        if (alias.equals(PRODUCTION)) {
            throw RegistryException.refused("Cannot move alias production of " + name + " by hand: production moves only when a "
                    + "candidate the gate passed is approved (nightshift models approve) or by nightshift models rollback.");
        }
        return inTransaction(() -> {
            locked(name, version, "move alias " + alias + " to");
            Integer from = store.alias(name, alias).orElse(null);
            AliasChange change = new AliasChange(name, alias, from, version);
            if (change.changed()) {
                Instant now = clock.instant();
                store.moveAlias(name, alias, AliasMove.ALIAS, from, version, actor, now, reason);
                store.audit(now, actor, "alias", name, version, alias, from, version, reason);
            }
            return change;
        });
    }

    // --- helpers -----------------------------------------------------------------------------------------------------

    /** The version, its model's rows locked until the transaction ends; an unknown one fails naming what exists. */
    private ModelVersion locked(String name, int version, String action) {
        String prefix = "Cannot " + action + " " + name + "@" + version + ": ";
        List<ModelVersion> versions = versionsOf(name, prefix);
        store.lock(name);
        return store.version(name, version).orElseThrow(() -> RegistryException.configuration(prefix + name + " has no version " + version
                + "; its versions are " + versions.stream().map(known -> Integer.toString(known.version())).collect(Collectors.joining(", "))
                + "."));
    }

    private static String productionName(String name, Integer version) {
        return version == null ? "no production version" : name + "@" + version;
    }

    private static String checkName(String name, String action) {
        if (!NAME.matcher(name).matches()) {
            throw RegistryException.refused("Cannot " + action + " model '" + name + "': a model name starts with a letter or digit and "
                    + "holds letters, digits, '.', '_' or '-' (at most 100), e.g. churn");
        }
        return name;
    }

    private static String checkIdentity(String by, String action) {
        if (by == null || by.isBlank() || by.length() > 255) {
            throw RegistryException.refused("Cannot " + action + ": who does it is required (--by USER, at most 255 characters)");
        }
        return by.strip();
    }

    private static String checkReason(String reason, String action) {
        if (reason == null || reason.isBlank()) {
            throw RegistryException.refused("Cannot " + action + ": a reason is required (--reason TEXT); it goes into the audit trail");
        }
        return reason.strip();
    }

    private <T> T inTransaction(Supplier<T> work) {
        return transactions.execute(status -> work.get());
    }
}
