package io.nightshift.cli;

import io.nightshift.model.registry.ModelVersion;
import io.nightshift.model.registry.Registration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "register", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Register a model as the next version of NAME (1 for a new name).",
                "Copies model.onnx and model.yaml into the registry store under their sha256; state REGISTERED. A bare "
                        + ".onnx needs --features or --feature-prefix, and gets a model.yaml listing them. The same bytes "
                        + "registered again under the same name are refused (a version never changes)."},
        exitCodeListHeading = ExitCodes.HEADING, footerHeading = ExitCodes.FOOTER_HEADING,
        exitCodeList = {ExitCodes.SUCCESS_LINE, ExitCodes.REGISTRY_FAILED_LINE, ExitCodes.REGISTRY_USAGE_LINE})
final class ModelsRegisterCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "PATH", description = "A model directory (model.onnx, optionally model.yaml) or a .onnx file; "
            + "a path, file:// or s3://.")
    String source;

    @Option(names = "--name", required = true, paramLabel = "NAME", description = "The model's name, e.g. churn.")
    String name;

    @Option(names = "--features", split = ",", paramLabel = "COLUMN",
            description = "Bare .onnx only: feature columns in model input order.")
    List<String> features = new ArrayList<>();

    @Option(names = "--feature-prefix", paramLabel = "PREFIX",
            description = "Bare .onnx only: columns PREFIX00, PREFIX01, ... (index zero-padded to two digits or more), as "
                    + "many as the model's input width read by ONNX Runtime.")
    String featurePrefix;

    @Option(names = "--description", paramLabel = "TEXT", description = "What this version is (default: model.yaml's description).")
    String description;

    @Mixin
    ByOption by;

    @Override
    public Integer call() {
        if (!features.isEmpty() && featurePrefix != null) {
            throw new ParameterException(spec.commandLine(), "--features and --feature-prefix "
                    + "are alternatives: give one");
        }
        Registration registration = new Registration(source, name, features, featurePrefix, by.by, description);
        return Registries.copying(registry -> {
            ModelVersion version = registry.register(registration);
            return "registered " + version.name() + " version " + version.version() + System.lineSeparator()
                    + RegistryText.field("sha256", version.sha256())
                    + RegistryText.field("stored", version.artifactUri())
                    + RegistryText.field("state", version.state().name());
        });
    }
}
