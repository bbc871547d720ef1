using RaftRunner.Actors.Internal;

namespace RaftRunner.Actors;

public static class ActorRefExtensions
{
    /// <summary>
    /// Sends <paramref name="message"/> and waits for the first reply. A <see cref="Status.Failure"/> reply
    /// throws its cause (also for <c>Ask&lt;object&gt;</c>; only an Ask for <see cref="Status"/> or
    /// <see cref="Status.Failure"/> itself returns it); a reply of another type throws
    /// <see cref="AskTypeMismatchException"/>; no reply in time throws <see cref="AskTimeoutException"/>; a
    /// stopped recipient throws <see cref="RecipientTerminatedException"/> at once. Timeouts are real time
    /// even under virtual time.
    /// </summary>
    public static async Task<T> Ask<T>(this IActorRef target, object message, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(message);
        var system = LocalActorRef.From(target)?.Cell.System;
        var limit = timeout ?? system?.Settings.AskTimeout ?? new ActorSystemSettings().AskTimeout;
        if (limit <= TimeSpan.Zero && limit != Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(timeout), limit, "an Ask timeout must be positive or infinite");
        var promise = system?.CreatePromise() ?? new PromiseActorRef(ActorPath.Root("temp").Child("ask"));
        target.Tell(message, promise);
        object reply;
        try
        {
            reply = await promise.Reply.WaitAsync(limit, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new AskTimeoutException($"Ask of {target.Path} with {message.GetType().Name} got no reply within {limit.TotalMilliseconds:0} ms");
        }
        return reply switch
        {
            // Before the type test: a Failure is an object too, and Ask<object> must throw its cause.
            Status.Failure failure when typeof(T) != typeof(Status) && typeof(T) != typeof(Status.Failure) => throw failure.Cause,
            T typed => typed,
            _ => throw new AskTypeMismatchException(typeof(T), reply),
        };
    }

    public static Task<object> Ask(this IActorRef target, object message, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        target.Ask<object>(message, timeout, cancellationToken);

    /// <summary>Tells <paramref name="message"/> keeping the current message's sender, so the reply skips this actor.</summary>
    public static void Forward(this IActorRef target, object message)
    {
        ArgumentNullException.ThrowIfNull(target);
        target.Tell(message, ActorCell.Current?.Sender ?? ActorRefs.NoSender);
    }
}
