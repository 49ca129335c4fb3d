package io.nightshift.api;

import io.nightshift.model.registry.AuditEntry;
import io.nightshift.model.registry.ModelRegistry;
import io.nightshift.model.registry.ModelVersion;
import io.swagger.v3.oas.annotations.Operation;
import java.security.Principal;
import java.util.List;
import org.springframework.context.annotation.Profile;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The model registry: models, versions and aliases, history, gate reports, and the people's decisions. Whoever
 * approves, rejects or rolls back is the authenticated caller, never a field of the request, so the registry's four
 * eyes (not the registrant, not the job that trained it, not the same person twice) hold through the API.
 */
@RestController
@Profile("serve")
final class ModelsController {

    private final ModelRegistry registry;

    ModelsController(ModelRegistry registry) {
        this.registry = registry;
    }

    /** Why a decision was taken, kept in the audit trail. Who took it is the caller. */
    record Decision(String reason) {
    }

    /** A model with its versions and what each alias points at. */
    record ModelBody(String name, List<VersionBody> versions, java.util.Map<String, Integer> aliases) {
    }

    /** A version with its aliases and approvers. */
    record VersionBody(ModelVersion version, List<String> aliases, List<String> approvedBy) {
    }

    @GetMapping("/api/models")
    @Operation(summary = "Every registered model with its versions and aliases")
    List<ModelBody> models() {
        return registry.models().stream().map(this::body).toList();
    }

    @GetMapping("/api/models/{name}")
    @Operation(summary = "One model: versions (state, sha256, gate result), aliases, approvers")
    ModelBody model(@PathVariable String name) {
        return body(registry.model(known(name)));
    }

    @GetMapping("/api/models/{name}/history")
    @Operation(summary = "What happened to the model, oldest first: registrations, gate results, approvals, alias moves")
    List<AuditEntry> history(@PathVariable String name) {
        return registry.history(known(name));
    }

    @GetMapping(value = "/api/models/{name}/versions/{version}/report", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "The gate's report.json of the version (docs/GATE.md)")
    ResponseEntity<byte[]> report(@PathVariable String name, @PathVariable int version) {
        byte[] report = registry.reportJson(known(name, version), version).orElseThrow(() -> new NotFoundException(
                name + "@" + version + " has no gate report yet; run `nightshift gate` on it."));
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(report);
    }

    @PostMapping("/api/models/{name}/versions/{version}/approve")
    @Operation(summary = "Approve a candidate the gate passed, as the caller; the last approval needed promotes it")
    ModelRegistry.Approval approve(@PathVariable String name, @PathVariable int version, @RequestBody(required = false) Decision decision,
            Principal caller) {
        return registry.approve(known(name, version), version, caller.getName(), reason(decision));
    }

    @PostMapping("/api/models/{name}/versions/{version}/reject")
    @Operation(summary = "Reject a candidate, as the caller: it can never be approved")
    ModelVersion reject(@PathVariable String name, @PathVariable int version, @RequestBody(required = false) Decision decision,
            Principal caller) {
        return registry.reject(known(name, version), version, caller.getName(), reason(decision));
    }

    @PostMapping("/api/models/{name}/rollback")
    @Operation(summary = "Move production back to the version the current one replaced, as the caller")
    ModelRegistry.Rollback rollback(@PathVariable String name, @RequestBody(required = false) Decision decision, Principal caller) {
        return registry.rollback(known(name), caller.getName(), reason(decision));
    }

    @GetMapping("/api/audit")
    @Operation(summary = "The registry's audit trail, newest first; ?model= for one model")
    List<AuditEntry> audit(@RequestParam(required = false) String model) {
        return registry.audit(model);
    }

    private ModelBody body(ModelRegistry.ModelView model) {
        List<VersionBody> versions = model.versions().stream()
                .map(version -> new VersionBody(version, model.aliasesOf(version.version()), registry.approvers(version))).toList();
        return new ModelBody(model.name(), versions, model.aliases());
    }

    private static String reason(Decision decision) {
        if (decision == null || decision.reason() == null || decision.reason().isBlank()) {
            throw new IllegalArgumentException("A decision needs a reason: send {\"reason\": \"...\"} (kept in the audit trail).");
        }
        return decision.reason();
    }

    private String known(String name) {
        if (registry.models().stream().noneMatch(model -> model.name().equals(name))) {
            throw new NotFoundException("No model named " + name + " in the registry; GET /api/models lists them.");
        }
        return name;
    }

    private String known(String name, int version) {
        if (registry.model(known(name)).versions().stream().noneMatch(candidate -> candidate.version() == version)) {
            throw new NotFoundException("Model " + name + " has no version " + version + "; GET /api/models/" + name + " lists them.");
        }
        return name;
    }
}
