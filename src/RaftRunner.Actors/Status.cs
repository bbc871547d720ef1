namespace RaftRunner.Actors;

/// <summary>Replies that carry success or failure; an Ask that receives <see cref="Failure"/> throws its exception.</summary>
public abstract record Status
{
    private Status() { }

    public sealed record Success(object? Value) : Status;

    public sealed record Failure(Exception Cause) : Status;
}
