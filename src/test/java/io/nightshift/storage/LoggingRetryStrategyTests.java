package io.nightshift.storage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.retries.api.RetryStrategy;

class LoggingRetryStrategyTests {

    @Test
    void aRebuiltStrategyStillLogsAndKeepsWhatTheBuilderChanged() {
        // given
        RetryStrategy strategy = new LoggingRetryStrategy(AwsRetryStrategy.forRetryMode(RetryMode.ADAPTIVE_V2).toBuilder()
                .maxAttempts(10).build());

        // when: the SDK rebuilds strategies, e.g. for a request's own override configuration
        RetryStrategy rebuilt = strategy.toBuilder().maxAttempts(4).build();

        // then
        assertThat(rebuilt).isInstanceOf(LoggingRetryStrategy.class);
        assertThat(rebuilt.maxAttempts()).isEqualTo(4);
        assertThat(strategy.maxAttempts()).isEqualTo(10);
    }

    @Test
    void theClientIsToldNotToAddDefaultsTheDelegateAlreadyHas() {
        assertThat(new LoggingRetryStrategy(AwsRetryStrategy.forRetryMode(RetryMode.STANDARD)).useClientDefaults()).isFalse();
    }
}
