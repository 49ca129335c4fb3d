package io.nightshift.cli;

import io.nightshift.model.registry.ModelRegistry;
import java.util.List;
import java.util.function.Function;
import org.springframework.context.ConfigurableApplicationContext;

/** Runs one registry action in a started application and prints what it did on stdout. */
final class Registries {

    private Registries() {
    }

    /** An action on the registry's records only (a brief command, see {@link ApplicationContexts#startBrief()}). */
    static int run(Function<ModelRegistry, String> action) {
        return run(action, true);
    }

    /** {@code register}: copying a model's files (to S3, say) may take long, so it goes through the database server. */
    static int copying(Function<ModelRegistry, String> action) {
        return run(action, false);
    }

    private static int run(Function<ModelRegistry, String> action, boolean brief) {
        String text;
        try (ConfigurableApplicationContext context = brief ? ApplicationContexts.startBrief() : ApplicationContexts.start(List.of())) {
            text = action.apply(context.getBean(ModelRegistry.class));
        }
        System.out.print(text.endsWith(System.lineSeparator()) || text.isEmpty() ? text : text + System.lineSeparator());
        System.out.flush();
        return ExitCodes.SUCCESS;
    }
}
