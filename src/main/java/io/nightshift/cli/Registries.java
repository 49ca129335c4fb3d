package io.nightshift.cli;

import io.nightshift.model.registry.ModelRegistry;
import java.util.List;
import java.util.function.Function;
import org.springframework.context.ConfigurableApplicationContext;

/** Runs one registry action in a started application and prints what it did on stdout. */
final class Registries {

    private Registries() {
    }

    static int run(Function<ModelRegistry, String> action) {
        try (ConfigurableApplicationContext context = ApplicationContexts.start(List.of())) {
            String text = action.apply(context.getBean(ModelRegistry.class));
            System.out.print(text.endsWith(System.lineSeparator()) || text.isEmpty() ? text : text + System.lineSeparator());
            System.out.flush();
            return ExitCodes.SUCCESS;
        }
    }
}
