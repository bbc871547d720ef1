namespace RaftRunner.Actors.Tests;

/// <summary>Small actors shared by several test classes.</summary>
internal sealed class EchoActor : ReceiveActor
{
    public EchoActor() => ReceiveAny(m => Sender.Tell(m, Self));
}

/// <summary>Reports its lifecycle hooks to a probe, throws on "boom", and answers "state" with its counter.</summary>
internal sealed class LifecycleActor : ReceiveActor
{
    private readonly IActorRef _probe;
    private int _count;

    public LifecycleActor(IActorRef probe)
    {
        _probe = probe;
        Receive<string>(_ => throw new InvalidOperationException("boom"), s => s == "boom");
        Receive<string>(_ => Sender.Tell(_count), s => s == "state");
        Receive<string>(_ => throw new NotSupportedException("fatal"), s => s == "fatal");
        ReceiveAny(m =>
        {
            _count++;
            _probe.Tell(m);
        });
    }

    protected internal override void PreStart() => _probe.Tell("prestart");

    protected internal override void PostStop() => _probe.Tell("poststop");

    protected internal override void PreRestart(Exception reason, object? message)
    {
        _probe.Tell($"prerestart:{reason.Message}:{message}");
        base.PreRestart(reason, message);
    }

    protected internal override void PostRestart(Exception reason)
    {
        _probe.Tell("postrestart");
        base.PostRestart(reason);
    }
}

/// <summary>Creates children on demand and supervises them with a given strategy.</summary>
internal sealed class ParentActor : ReceiveActor
{
    private readonly SupervisorStrategy? _strategy;

    public ParentActor(SupervisorStrategy? strategy = null)
    {
        _strategy = strategy;
        Receive<(Props Props, string Name)>(p => Sender.Tell(Context.ActorOf(p.Props, p.Name)));
        Receive<string>(_ => Sender.Tell(Context.Children.Select(c => c.Path.Name).OrderBy(n => n).ToArray()), s => s == "children");
    }

    protected internal override SupervisorStrategy? SupervisorStrategy() => _strategy;
}
