package io.nightshift.budget;

import static java.util.Objects.requireNonNull;

import io.nightshift.DidYouMean;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A job's {@code budget:} block: caps on one run (workers, GPU-hours, dollars) and what an hour of a node costs. The
 * price is resolved when the spec is read (from the pricing file unless the block gives {@code price-per-hour}), so a
 * typo in a node type fails before anything is spent.
 *
 * @param maxWorkers            nodes a run may use at once; 0 means no cap
 * @param maxGpuHours           GPU-hours a run may use; 0 means no cap
 * @param maxDollars            estimated dollars a run may cost; 0 means no cap
 * @param nodeType              e.g. {@code g5.xlarge}; null when the block gives only a price
 * @param capacity              spot or on-demand (which of the file's prices applies)
 * @param pricePerHour          dollars per node-hour
 * @param gpusPerNode           GPUs per node (GPU-hours = node-hours × this; 0 on a CPU node type)
 * @param expectedRowsPerSecond the throughput {@code nightshift plan} assumes when the job has no completed run; 0 = none
 * @param pricingSource         where the price came from (the pricing file and its date, or the spec)
 */
public record Budget(int maxWorkers, double maxGpuHours, double maxDollars, String nodeType, Capacity capacity, double pricePerHour,
        int gpusPerNode, double expectedRowsPerSecond, String pricingSource) {

    /** The keys of a {@code budget:} block. */
    public static final Set<String> KEYS = Set.of("max-workers", "max-gpu-hours", "max-dollars", "node-type", "capacity",
            "price-per-hour", "gpus-per-node", "expected-rows-per-second");

    /** Which price of a node type a run pays. */
    public enum Capacity {
        SPOT, ON_DEMAND;

        public String specName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public Budget {
        requireNonNull(capacity, "capacity is null");
        requireNonNull(pricingSource, "pricingSource is null");
        if (maxWorkers < 0 || maxGpuHours < 0 || maxDollars < 0 || pricePerHour < 0 || gpusPerNode < 0 || expectedRowsPerSecond < 0) {
            throw new IllegalArgumentException("budget settings cannot be negative");
        }
    }

    /** No caps and no price: a run still records node-hours, with 0 GPU-hours and 0 dollars. */
    public static final Budget NONE = new Budget(0, 0, 0, null, Capacity.ON_DEMAND, 0, 0, 0, "no budget block");

    /** Whether any cap is set. */
    public boolean capped() {
        return maxGpuHours > 0 || maxDollars > 0;
    }

    /** The caps set, as status and plan print them: {@code max-dollars $5.00, max-gpu-hours 3.00}; empty when none. */
    public String caps() {
        java.util.List<String> caps = new java.util.ArrayList<>();
        if (maxDollars > 0) {
            caps.add("max-dollars $%.2f".formatted(maxDollars));
        }
        if (maxGpuHours > 0) {
            caps.add("max-gpu-hours %.2f".formatted(maxGpuHours));
        }
        return String.join(", ", caps);
    }

    /** Nodes a run uses: the cap on workers, or one (a local run). */
    public int nodes() {
        return Math.max(1, maxWorkers);
    }

    /**
     * The block of a job spec ({@code value} is what the YAML held under {@code budget}); null stays {@link #NONE}.
     * Prices of a node type come from the pricing file found for {@code specDirectory} ({@link Pricing#forSpecDirectory}).
     */
    public static Budget parse(Object value, String source, Path specDirectory) {
        if (value == null) {
            return NONE;
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw error(source, "'budget' must be a mapping (max-dollars, node-type, capacity, ...)");
        }
        for (Object key : map.keySet()) {
            if (!KEYS.contains(String.valueOf(key))) {
                String suggestion = DidYouMean.closest(String.valueOf(key), KEYS).map(name -> "; did you mean 'budget." + name + "'?")
                        .orElse(".");
                throw error(source, "unknown setting 'budget." + key + "'" + suggestion + " Settings of budget: "
                        + KEYS.stream().sorted().toList());
            }
        }
        int maxWorkers = (int) number(map, "max-workers", source, true);
        double maxGpuHours = number(map, "max-gpu-hours", source, false);
        double maxDollars = number(map, "max-dollars", source, false);
        double price = number(map, "price-per-hour", source, false);
        double expected = number(map, "expected-rows-per-second", source, false);
        Capacity capacity = capacity(map.get("capacity"), source);
        String nodeType = map.get("node-type") == null ? null : String.valueOf(map.get("node-type"));
        int gpus = map.containsKey("gpus-per-node") ? (int) number(map, "gpus-per-node", source, true) : -1;
        String pricingSource = "budget.price-per-hour in " + source;
        if (nodeType != null) {
            Pricing pricing = Pricing.forSpecDirectory(specDirectory);
            Pricing.NodeType type = pricing.type(nodeType, "Cannot read job spec " + source + ": 'budget.node-type'");
            if (price == 0) {
                price = type.price(capacity);
                pricingSource = pricing.source() + " (" + pricing.region() + ", as of " + pricing.asOf() + ", " + capacity.specName() + ")";
            }
            gpus = gpus < 0 ? type.gpus() : gpus;
        } else if (price == 0 && (maxDollars > 0)) {
            throw error(source, "'budget.max-dollars' needs a price: give 'budget.node-type' (priced in "
                    + Pricing.DEFAULT_FILE + ") or 'budget.price-per-hour'");
        }
        if (maxGpuHours > 0 && gpus <= 0) {
            throw error(source, "'budget.max-gpu-hours' needs GPUs: give a GPU 'budget.node-type' or 'budget.gpus-per-node'");
        }
        return new Budget(maxWorkers, maxGpuHours, maxDollars, nodeType, capacity, price, Math.max(0, gpus), expected, pricingSource);
    }

    private static Capacity capacity(Object value, String source) {
        if (value == null) {
            return Capacity.ON_DEMAND;
        }
        for (Capacity capacity : Capacity.values()) {
            if (capacity.specName().equals(String.valueOf(value).trim().toLowerCase(Locale.ROOT))) {
                return capacity;
            }
        }
        String suggestion = DidYouMean.closest(String.valueOf(value), Set.of("spot", "on-demand")).map(n -> "; did you mean '" + n + "'?")
                .orElse(".");
        throw error(source, "'budget.capacity' must be spot or on-demand, was '" + value + "'" + suggestion);
    }

    private static double number(Map<?, ?> map, String key, String source, boolean whole) {
        Object value = map.get(key);
        if (value == null) {
            return 0;
        }
        double number;
        if (value instanceof Number given) {
            number = given.doubleValue();
        } else {
            try {
                number = Double.parseDouble(String.valueOf(value).replace("_", "").replace("$", ""));
            } catch (NumberFormatException e) {
                throw error(source, "'budget." + key + "' must be a number, was '" + value + "'");
            }
        }
        if (number < 0 || Double.isNaN(number) || (whole && number != Math.rint(number))) {
            throw error(source, "'budget." + key + "' must be " + (whole ? "a whole number" : "a number") + " of 0 or more, was '"
                    + value + "'");
        }
        return number;
    }

    private static BudgetException error(String source, String problem) {
        return new BudgetException("Cannot read job spec " + source + ": " + problem);
    }
}
