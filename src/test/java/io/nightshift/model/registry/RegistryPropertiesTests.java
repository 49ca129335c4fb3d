package io.nightshift.model.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The registry's settings record: what it accepts and how it reads an empty value (binding: NightshiftPropertiesTests). */
class RegistryPropertiesTests {

    @Test
    void anEmptyLocationMeansTheDefaultUnderTheHome() {
        assertThat(new RegistryProperties("  ").location()).isNull();
        assertThat(new RegistryProperties(null).location()).isNull();
    }

    @Test
    void aLocationIsKeptAsGivenWithoutSurroundingBlanks() {
        assertThat(new RegistryProperties(" s3://models/registry ").location()).isEqualTo("s3://models/registry");
    }

    @Test
    void aGlobIsRefusedBecauseTheStoreIsOneLocation() {
        assertThatThrownBy(() -> new RegistryProperties("s3://models/*")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be one location, not a glob");
    }

    @Test
    void theFeaturePrefixNamesAreZeroPaddedToAtLeastTwoDigitsSoNameOrderIsInputOrder() {
        assertThat(ModelRegistry.prefixedFeatures("f", 3)).containsExactly("f00", "f01", "f02");
        assertThat(ModelRegistry.prefixedFeatures("x_", 101)).startsWith("x_000", "x_001").endsWith("x_100");
    }
}
