package io.nightshift.budget;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The hourly prices of node types ({@code config/pricing/aws-gpu.yaml}): what a run's cost and budget are computed
 * with when a job's budget block gives no {@code price-per-hour}. The file carries its region, currency and date
 * ({@code as-of}), because prices age: every estimate says which file and date it used.
 */
public record Pricing(String source, String region, String currency, String asOf, Map<String, NodeType> types) {

    /** Where the repository keeps the file, relative to the working directory (or to a job spec's parent directory). */
    public static final Path DEFAULT_FILE = Path.of("config", "pricing", "aws-gpu.yaml");

    /** One node type: GPUs per node and the price of an hour on-demand and (typically) on spot. */
    public record NodeType(String name, int gpus, double onDemand, double typicalSpot) {
        public NodeType {
            requireNonNull(name, "name is null");
            if (gpus < 0 || onDemand <= 0 || typicalSpot <= 0) {
                throw new IllegalArgumentException("node type " + name + ": gpus must be 0 or more and prices positive");
            }
        }

        public double price(Budget.Capacity capacity) {
            return capacity == Budget.Capacity.SPOT ? typicalSpot : onDemand;
        }
    }

    public Pricing {
        requireNonNull(source, "source is null");
        types = Map.copyOf(types);
    }

    /** The node type of that name, or a configuration error naming this file and the types it knows. */
    public NodeType type(String name, String usedBy) {
        NodeType type = types.get(name);
        if (type == null) {
            String suggestion = io.nightshift.DidYouMean.closest(name, types.keySet()).map(n -> " Did you mean '" + n + "'?").orElse("");
            throw new BudgetException(usedBy + ": unknown node type '" + name + "' in " + source + "." + suggestion
                    + " Known types: " + new java.util.TreeSet<>(types.keySet())
                    + "; add it to that file or give budget.price-per-hour (and budget.gpus-per-node).");
        }
        return type;
    }

    /**
     * The pricing file for a job spec in {@code specDirectory}: {@code ../config/pricing/aws-gpu.yaml} from it (the
     * repository layout, {@code jobs/} beside {@code config/}), else the one under the working directory.
     */
    public static Pricing forSpecDirectory(Path specDirectory) {
        if (specDirectory != null && specDirectory.getParent() != null) {
            Path beside = specDirectory.getParent().resolve(DEFAULT_FILE);
            if (Files.isRegularFile(beside)) {
                return read(beside);
            }
        }
        return read(DEFAULT_FILE);
    }

    public static Pricing read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new BudgetException("Cannot read pricing file " + file + ": no such file; a budget's node-type prices come"
                    + " from it (or give budget.price-per-hour)");
        } catch (IOException e) {
            throw new BudgetException("Cannot read pricing file " + file + ": " + e.getMessage());
        }
        return parse(text, file.toString());
    }

    static Pricing parse(String text, String source) {
        Object document;
        try {
            document = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        } catch (YAMLException e) {
            throw new BudgetException("Cannot read pricing file " + source + ": not valid YAML: " + e.getMessage().replace('\n', ' '));
        }
        if (!(document instanceof Map<?, ?> root) || !(root.get("instance-types") instanceof Map<?, ?> entries)) {
            throw new BudgetException("Cannot read pricing file " + source + ": expected 'instance-types' mapping names to"
                    + " {gpus, on-demand, typical-spot}");
        }
        Map<String, NodeType> types = new TreeMap<>();
        for (Map.Entry<?, ?> entry : entries.entrySet()) {
            String name = String.valueOf(entry.getKey());
            if (!(entry.getValue() instanceof Map<?, ?> fields) || !(fields.get("on-demand") instanceof Number onDemand)
                    || !(fields.get("typical-spot") instanceof Number spot)) {
                throw new BudgetException("Cannot read pricing file " + source + ": instance type " + name
                        + " needs numbers 'on-demand' and 'typical-spot' (USD per hour)");
            }
            int gpus = fields.get("gpus") instanceof Number number ? number.intValue() : 0;
            try {
                types.put(name, new NodeType(name, gpus, onDemand.doubleValue(), spot.doubleValue()));
            } catch (IllegalArgumentException e) {
                throw new BudgetException("Cannot read pricing file " + source + ": " + e.getMessage());
            }
        }
        return new Pricing(source, String.valueOf(root.get("region")), String.valueOf(root.get("currency")),
                String.valueOf(root.get("as-of")), types);
    }
}
