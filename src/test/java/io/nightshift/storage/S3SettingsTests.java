package io.nightshift.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class S3SettingsTests {

    @Test
    void defaultsAreUsEast1VirtualHostTenAttemptsAndMultipartFrom64MibIn16MibParts() {
        S3Settings defaults = S3Settings.defaults();

        assertThat(defaults).isEqualTo(new S3Settings("us-east-1", null, false, 10, 64L << 20, 16L << 20));
    }

    @Test
    void rejectsZeroAttempts() {
        assertThatThrownBy(() -> new S3Settings("us-east-1", null, false, 0, 1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxAttempts");
    }

    @Test
    void rejectsANonPositivePartSize() {
        assertThatThrownBy(() -> new S3Settings("us-east-1", null, false, 1, 1, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("partSizeBytes");
    }

    @Test
    void rejectsAnEndpointThatIsNotAnAbsoluteUrl() {
        assertThatThrownBy(() -> new S3Settings("us-east-1", "localhost:9000", true, 1, 1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("localhost:9000");
    }
}
