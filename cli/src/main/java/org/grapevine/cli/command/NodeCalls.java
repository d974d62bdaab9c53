package org.grapevine.cli.command;

import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.grapevine.cli.ExitCodes;
import org.grapevine.cli.UserError;

/** Waits for what a command asked of the running node, turning its failures into one line for the user. */
final class NodeCalls {
    private NodeCalls() {}

    static <T> T await(Supplier<CompletableFuture<T>> call) {
        CompletableFuture<T> future;
        try {
            future = call.get();
        } catch (RejectedExecutionException e) {
            throw stopping(e);
        }
        return await(future);
    }

    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError(ExitCodes.FAILURE, "interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RejectedExecutionException) throw stopping(cause);
            if (cause instanceof UncheckedIOException io) {
                throw new UserError(ExitCodes.FAILURE, io.getCause().getMessage(), io);
            }
            if (cause instanceof RuntimeException r) throw r;
            throw new UserError(ExitCodes.INTERNAL, "unexpected error in the node: " + cause, cause);
        }
    }

    private static UserError stopping(Throwable cause) {
        return new UserError(ExitCodes.FAILURE, "the daemon is stopping", cause);
    }
}
