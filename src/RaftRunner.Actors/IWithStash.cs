namespace RaftRunner.Actors;

/// <summary>An actor that can set messages aside; the kernel assigns <see cref="Stash"/> right after construction, before PreStart.</summary>
public interface IWithStash
{
    IStash Stash { get; set; }
}
