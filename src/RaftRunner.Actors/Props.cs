namespace RaftRunner.Actors;

/// <summary>
/// How to make an actor: a factory called for the first incarnation and again for every restart (so the
/// factory must build a fresh instance each time), and the supervisor strategy for the actor's children.
/// </summary>
public sealed class Props
{
    private Props(Type actorType, Func<ActorBase> factory, SupervisorStrategy? supervisorStrategy)
    {
        ActorType = actorType;
        Factory = factory;
        SupervisorStrategy = supervisorStrategy;
    }

    public Type ActorType { get; }

    internal Func<ActorBase> Factory { get; }

    /// <summary>Overrides the actor's own <see cref="ActorBase.SupervisorStrategy"/> when set.</summary>
    public SupervisorStrategy? SupervisorStrategy { get; }

    public static Props Create<TActor>(Func<TActor> factory) where TActor : ActorBase
    {
        ArgumentNullException.ThrowIfNull(factory);
        return new Props(typeof(TActor), factory, null);
    }

    public static Props Create<TActor>() where TActor : ActorBase, new() => new(typeof(TActor), static () => new TActor(), null);

    public Props WithSupervisorStrategy(SupervisorStrategy strategy) => new(ActorType, Factory, strategy);

    public override string ToString() => $"Props({ActorType.Name})";
}
