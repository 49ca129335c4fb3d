package io.nightshift.model;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Keeps calls into ONNX Runtime's native code apart from what frees it. ORT's Java binding frees its process-wide
 * environment in a JVM shutdown hook, which runs while other threads still run (onnxruntime#31352): a thread inside
 * ORT (scoring a batch, creating a session) when {@code System.exit} begins crashes the JVM with SIGSEGV, and so does
 * closing a session another thread is running (a run that ends early while a partition thread is still scoring).
 *
 * <p>Every call into ORT holds the shared side of a read-write lock; closing a model and shutting ORT down take the
 * exclusive side, so they wait for the calls in flight (one batch each), and later calls fail with a
 * {@link ModelException} instead of reaching freed memory. {@link #shutDown()} closes every model still open; the
 * command line calls it before {@code System.exit}. The guard is process-wide because what it guards is: ORT's
 * environment and its shutdown hook exist once per JVM.
 */
final class OnnxRuntimeGuard {

    static final OnnxRuntimeGuard PROCESS = new OnnxRuntimeGuard();

    /** A call into ONNX Runtime that may throw a checked exception of its own. */
    @FunctionalInterface
    interface Call<T, E extends Exception> {
        T call() throws E;
    }

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Set<LoadedModel> open = ConcurrentHashMap.newKeySet();
    private volatile boolean shutDown;

    /** Runs {@code call} unless ORT is shut down; {@code what} completes "Cannot ..." in the refusal. */
    <T, E extends Exception> T call(String what, Call<T, E> call) throws E {
        lock.readLock().lock();
        try {
            if (shutDown) {
                throw new ModelException("Cannot " + what + ": ONNX Runtime is shut down because the process is exiting");
            }
            return call.call();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Runs {@code close} once no call is in flight. */
    void exclusively(Runnable close) {
        lock.writeLock().lock();
        try {
            close.run();
        } finally {
            lock.writeLock().unlock();
        }
    }

    void opened(LoadedModel model) {
        open.add(model);
    }

    void closed(LoadedModel model) {
        open.remove(model);
    }

    boolean isShutDown() {
        return shutDown;
    }

    /**
     * Waits for calls in flight, refuses all later ones and closes every model still open. After this no thread is
     * inside ORT and no session is left for its shutdown hook to pull the environment from under.
     */
    void shutDown() {
        exclusively(() -> shutDown = true);
        for (LoadedModel model : List.copyOf(open)) {
            model.close();
        }
    }
}
