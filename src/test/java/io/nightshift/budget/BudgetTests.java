package io.nightshift.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nightshift.NightshiftException;
import io.nightshift.job.JobSpec;
import io.nightshift.job.JobSpecParser;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BudgetTests {

    /** The repository's jobs/ directory: its budget's node types are priced from config/pricing/aws-gpu.yaml. */
    private static final Path JOBS = Path.of("jobs").toAbsolutePath();

    private static JobSpec spec(String budget) {
        return JobSpecParser.parse("""
                name: churn
                model: models/churn
                input: data/in/
                output: data/out/
                """ + budget, "jobs/churn.yaml", JOBS);
    }

    @Test
    void aNodeTypeIsPricedFromThePricingFileWithItsGpus() {
        Budget budget = spec("budget: {max-workers: 50, max-dollars: 120, node-type: g5.xlarge, capacity: spot}\n").budget();

        assertThat(budget.pricePerHour()).isEqualTo(0.40);
        assertThat(budget.gpusPerNode()).isEqualTo(1);
        assertThat(budget.nodes()).isEqualTo(50);
        assertThat(budget.pricingSource()).contains("aws-gpu.yaml").contains("as of 2025-06").contains("spot");
    }

    @Test
    void onDemandIsTheDefaultCapacityAndAGivenPriceWins() {
        assertThat(spec("budget: {max-dollars: 10, node-type: g5.xlarge}\n").budget().pricePerHour()).isEqualTo(1.006);
        assertThat(spec("budget: {max-dollars: 10, node-type: g5.xlarge, price-per-hour: 0.5}\n").budget().pricePerHour())
                .isEqualTo(0.5);
    }

    @Test
    void aSpecWithoutABudgetHasNoCapsAndNoPrice() {
        Budget budget = spec("").budget();

        assertThat(budget.capped()).isFalse();
        assertThat(budget.nodes()).isEqualTo(1);
        assertThat(RunCost.of(java.time.Duration.ofHours(2), budget.nodes(), budget)).isEqualTo(new RunCost(2, 0, 0));
    }

    @Test
    void aMisspeltBudgetKeySuggestsTheKeyMeant() {
        assertThatThrownBy(() -> spec("budget: {max-dollar: 10, node-type: g5.xlarge}\n"))
                .isInstanceOf(NightshiftException.class)
                .hasMessageContaining("jobs/churn.yaml").hasMessageContaining("unknown setting 'budget.max-dollar'")
                .hasMessageContaining("did you mean 'budget.max-dollars'?");
    }

    @Test
    void anUnknownNodeTypeNamesThePricingFileAndTheKnownTypes() {
        assertThatThrownBy(() -> spec("budget: {max-dollars: 10, node-type: g5.xlarg}\n"))
                .isInstanceOf(NightshiftException.class)
                .satisfies(error -> assertThat(((NightshiftException) error).disposition()).isEqualTo(NightshiftException.Disposition.CONFIGURATION))
                .hasMessageContaining("unknown node type 'g5.xlarg'").hasMessageContaining("aws-gpu.yaml")
                .hasMessageContaining("Did you mean 'g5.xlarge'?").hasMessageContaining("g4dn.xlarge, g4dn.2xlarge".substring(0, 11));
    }

    @Test
    void aBadCapacityOrNumberIsAnErrorNamingTheSetting() {
        assertThatThrownBy(() -> spec("budget: {max-dollars: 10, node-type: g5.xlarge, capacity: spto}\n"))
                .hasMessageContaining("'budget.capacity' must be spot or on-demand, was 'spto'; did you mean 'spot'?");
        assertThatThrownBy(() -> spec("budget: {max-dollars: lots, node-type: g5.xlarge}\n"))
                .hasMessageContaining("'budget.max-dollars' must be a number, was 'lots'");
        assertThatThrownBy(() -> spec("budget: {max-workers: 2.5}\n")).hasMessageContaining("'budget.max-workers' must be a whole number");
        assertThatThrownBy(() -> spec("budget: {max-dollars: -1, price-per-hour: 1}\n")).hasMessageContaining("of 0 or more");
    }

    @Test
    void aDollarCapWithoutAPriceIsRefused() {
        assertThatThrownBy(() -> spec("budget: {max-dollars: 10}\n"))
                .hasMessageContaining("'budget.max-dollars' needs a price");
        assertThatThrownBy(() -> spec("budget: {max-gpu-hours: 10, price-per-hour: 1}\n"))
                .hasMessageContaining("'budget.max-gpu-hours' needs GPUs");
    }

    @Test
    void theRepositorysPricingFileReadsWithEveryType() {
        Pricing pricing = Pricing.read(Path.of("config/pricing/aws-gpu.yaml"));

        assertThat(pricing.asOf()).isEqualTo("2025-06");
        assertThat(pricing.types()).containsKeys("g4dn.xlarge", "g5.xlarge", "p3.2xlarge");
        assertThat(pricing.types().values()).allSatisfy(type -> assertThat(type.typicalSpot()).isLessThan(type.onDemand()));
    }
}
