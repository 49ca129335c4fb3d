package io.nightshift.cli;

import io.nightshift.model.registry.ModelRegistry;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "list", mixinStandardHelpOptions = true, description = "List registered models: versions, the latest, aliases.",
        exitCodeListHeading = ExitCodes.HEADING, footerHeading = ExitCodes.FOOTER_HEADING,
        exitCodeList = {ExitCodes.SUCCESS_LINE, ExitCodes.REGISTRY_FAILED_LINE, ExitCodes.REGISTRY_USAGE_LINE})
final class ModelsListCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        return Registries.run(registry -> {
            List<ModelRegistry.ModelView> models = registry.models();
            if (models.isEmpty()) {
                return "No models registered yet. Try: nightshift models register PATH --name NAME" + System.lineSeparator();
            }
            TextTable table = new TextTable("NAME", "VERSIONS>", "LATEST>", "STATE", "ALIASES");
            for (ModelRegistry.ModelView model : models) {
                table.row(model.name(), model.versions().size(), model.latest().version(), model.latest().state(),
                        RegistryText.aliases(model.aliases()));
            }
            return table.render("");
        });
    }
}
