package io.nightshift.storage;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.retries.api.AcquireInitialTokenRequest;
import software.amazon.awssdk.retries.api.AcquireInitialTokenResponse;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RecordSuccessRequest;
import software.amazon.awssdk.retries.api.RecordSuccessResponse;
import software.amazon.awssdk.retries.api.RefreshRetryTokenRequest;
import software.amazon.awssdk.retries.api.RefreshRetryTokenResponse;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.retries.api.RetryToken;

/**
 * The SDK's retry strategy, saying in one WARN line (no stack trace) each time it retries a request: which request,
 * why, attempt k of n and after how long. Without it a run that rides through throttling and resets looks healthy
 * until someone wonders why it is slow.
 *
 * <p>Retry strategies do not see the request, so {@link #requestNaming()} (an interceptor) notes on the calling
 * thread which request is executing; the sync client retries on that same thread.
 */
final class LoggingRetryStrategy implements RetryStrategy {

    // Logged under S3Storage, like everything S3 does: one logger to turn up or down.
    private static final Logger log = LoggerFactory.getLogger(S3Storage.class);
    private static final ThreadLocal<String> CURRENT_REQUEST = new ThreadLocal<>();

    private final RetryStrategy delegate;

    LoggingRetryStrategy(RetryStrategy delegate) {
        this.delegate = requireNonNull(delegate, "delegate is null");
    }

    /** Counts attempts of one request, which the SDK's tokens keep to themselves. */
    private record CountedToken(RetryToken delegate, int attempt, String request) implements RetryToken {
    }

    @Override
    public AcquireInitialTokenResponse acquireInitialToken(AcquireInitialTokenRequest request) {
        AcquireInitialTokenResponse response = delegate.acquireInitialToken(request);
        String name = CURRENT_REQUEST.get();
        return AcquireInitialTokenResponse.create(new CountedToken(response.token(), 1, name == null ? "S3 request" : name),
                response.delay());
    }

    @Override
    public RefreshRetryTokenResponse refreshRetryToken(RefreshRetryTokenRequest request) {
        // Throws TokenAcquisitionFailedException when the delegate will not retry: nothing to announce then.
        RefreshRetryTokenResponse response = delegate.refreshRetryToken(request.toBuilder().token(unwrap(request.token())).build());
        int attempt = request.token() instanceof CountedToken counted ? counted.attempt() + 1 : 0;
        String name = request.token() instanceof CountedToken counted ? counted.request() : "S3 request";
        log.warn("Retrying {} (attempt {} of {}) in {} ms: {}", name, attempt, delegate.maxAttempts(),
                response.delay().toMillis(), S3Errors.reason(request.failure()));
        return RefreshRetryTokenResponse.create(new CountedToken(response.token(), attempt, name), response.delay());
    }

    @Override
    public RecordSuccessResponse recordSuccess(RecordSuccessRequest request) {
        delegate.recordSuccess(RecordSuccessRequest.create(unwrap(request.token())));
        return RecordSuccessResponse.create(request.token());
    }

    @Override
    public int maxAttempts() {
        return delegate.maxAttempts();
    }

    @Override
    public boolean useClientDefaults() {
        // The delegate was built with the AWS defaults already (AwsRetryStrategy.forRetryMode).
        return false;
    }

    @Override
    public Builder toBuilder() {
        return new Builder(delegate.toBuilder());
    }

    @Override
    public void close() {
        delegate.close();
    }

    private static RetryToken unwrap(RetryToken token) {
        // The SDK keeps the token of a refused retry; be lenient about which kind comes back.
        return token instanceof CountedToken counted ? counted.delegate() : token;
    }

    /** The interceptor that names the executing request ("PutObject s3://bucket/key") for the retry log line. */
    static ExecutionInterceptor requestNaming() {
        return new RequestNaming();
    }

    private static final class RequestNaming implements ExecutionInterceptor {
        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes executionAttributes) {
            SdkRequest request = context.request();
            String operation = executionAttributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
            Optional<String> bucket = request.getValueForField("Bucket", String.class);
            Optional<String> key = request.getValueForField("Key", String.class);
            Optional<String> prefix = request.getValueForField("Prefix", String.class);
            String target = bucket.map(b -> S3Location.SCHEME_PREFIX + b + "/" + key.or(() -> prefix).orElse("")).orElse("");
            CURRENT_REQUEST.set((operation == null ? "S3 request" : operation) + (target.isEmpty() ? "" : " " + target));
        }

        @Override
        public void afterExecution(Context.AfterExecution context, ExecutionAttributes executionAttributes) {
            CURRENT_REQUEST.remove();
        }

        @Override
        public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes executionAttributes) {
            CURRENT_REQUEST.remove();
        }
    }

    /** Rebuilds the delegate and wraps it again, so a rebuilt strategy still logs. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    static final class Builder implements RetryStrategy.Builder<Builder, LoggingRetryStrategy> {
        private final RetryStrategy.Builder delegate;

        private Builder(RetryStrategy.Builder<?, ?> delegate) {
            this.delegate = delegate;
        }

        @Override
        public Builder retryOnException(Predicate<Throwable> shouldRetry) {
            delegate.retryOnException(shouldRetry);
            return this;
        }

        @Override
        public Builder maxAttempts(int maxAttempts) {
            delegate.maxAttempts(maxAttempts);
            return this;
        }

        @Override
        public Builder backoffStrategy(BackoffStrategy backoffStrategy) {
            delegate.backoffStrategy(backoffStrategy);
            return this;
        }

        @Override
        public Builder throttlingBackoffStrategy(BackoffStrategy backoffStrategy) {
            delegate.throttlingBackoffStrategy(backoffStrategy);
            return this;
        }

        @Override
        public Builder treatAsThrottling(Predicate<Throwable> treatAsThrottling) {
            delegate.treatAsThrottling(treatAsThrottling);
            return this;
        }

        @Override
        public LoggingRetryStrategy build() {
            return new LoggingRetryStrategy((RetryStrategy) delegate.build());
        }
    }
}
