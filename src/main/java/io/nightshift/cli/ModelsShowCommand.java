package io.nightshift.cli;

import io.nightshift.model.ModelReferences;
import io.nightshift.model.registry.ModelRegistry;
import io.nightshift.model.registry.ModelVersion;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "show", mixinStandardHelpOptions = true,
        description = {"Show a model's versions, or one version in detail.",
                "NAME lists every version with its state and aliases; NAME@VERSION or NAME@ALIAS shows one: state, "
                        + "sha256, aliases, where it is stored, the gate's result and report, approvals."},
        exitCodeListHeading = ExitCodes.HEADING, footerHeading = ExitCodes.FOOTER_HEADING,
        exitCodeList = {ExitCodes.SUCCESS_LINE, ExitCodes.REGISTRY_FAILED_LINE, ExitCodes.REGISTRY_USAGE_LINE})
final class ModelsShowCommand implements Callable<Integer> {

    @Parameters(paramLabel = "MODEL", description = "NAME, NAME@VERSION or NAME@ALIAS, e.g. churn, churn@3, churn@production.")
    String model;

    @Override
    public Integer call() {
        return Registries.run(registry -> ModelReferences.isReference(model) ? version(registry, registry.version(model))
                : versions(registry.model(model)));
    }

    private static String versions(ModelRegistry.ModelView model) {
        StringBuilder text = new StringBuilder();
        text.append("%s: %d version(s); aliases %s%n".formatted(model.name(), model.versions().size(), RegistryText.aliases(model.aliases())));
        TextTable table = new TextTable("VERSION>", "STATE", "ALIASES", "REGISTERED", "BY", "SHA256");
        for (ModelVersion version : model.versions()) {
            List<String> aliases = model.aliasesOf(version.version());
            table.row(version.version(), version.state(), aliases.isEmpty() ? "-" : String.join(",", aliases),
                    Display.time(version.registeredAt()), version.registeredBy(), version.sha256().substring(0, 12));
        }
        return text.append(table.render("  ")).toString();
    }

    private static String version(ModelRegistry registry, ModelVersion version) {
        ModelRegistry.ModelView model = registry.model(version.name());
        List<String> aliases = model.aliasesOf(version.version());
        StringBuilder text = new StringBuilder();
        text.append("%s: %s%n".formatted(version.reference(), version.state()));
        text.append(RegistryText.field("aliases", aliases.isEmpty() ? "-" : String.join(", ", aliases)));
        text.append(RegistryText.field("sha256", version.sha256()));
        text.append(RegistryText.field("model.onnx", "sha256 " + version.onnxSha256()));
        text.append(RegistryText.field("model.yaml", "sha256 " + version.specSha256()));
        text.append(RegistryText.field("registered", Display.time(version.registeredAt()) + " by " + version.registeredBy()));
        text.append(RegistryText.field("source", version.sourceUri()));
        text.append(RegistryText.field("stored", version.artifactUri()));
        text.append(RegistryText.field("description", Display.orDash(version.description())));
        if (version.gateRuns() == 0) {
            text.append(RegistryText.field("gate", "- (not gated yet)"));
        } else {
            text.append(RegistryText.field("gate", "%d run(s), last %s, against %s; %d approval(s) required".formatted(version.gateRuns(),
                    Display.time(version.gatedAt()), version.gateProductionVersion() == null ? "no production version"
                            : version.name() + "@" + version.gateProductionVersion(),
                    version.approvalsRequired() == null ? 0 : version.approvalsRequired())));
            List<String> approvers = registry.approvers(version);
            text.append(RegistryText.field("approved by", approvers.isEmpty() ? "-" : String.join(", ", approvers)));
        }
        text.append(RegistryText.field("report", Display.orDash(version.reportUri())));
        return text.toString();
    }
}
