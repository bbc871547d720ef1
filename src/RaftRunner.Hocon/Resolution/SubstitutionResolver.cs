using RaftRunner.Hocon.Values;

namespace RaftRunner.Hocon.Resolution;

/// <summary>
/// Replaces every substitution in a merged document by the value it names, in place. Each field is
/// resolved at most once (its node is swapped for the result), fields being resolved are tracked so a
/// cycle is reported instead of recursing forever, and the recursion itself is counted and bounded.
/// </summary>
/// <remarks>
/// Self-reference follows the spec's "look backwards" rule: when a substitution inside the definition
/// of field P names P or something below P (<c>path = ${path}":/x"</c>, <c>a += 1</c>,
/// <c>foo = ${foo.a}</c>), it sees the value P had before that definition, never the final one.
/// </remarks>
internal sealed class SubstitutionResolver
{
    public const int MaxResolutionDepth = 2048;

    private readonly HoconObject _root;
    private readonly Func<string, string?> _environment;
    private readonly HashSet<HoconValue> _inProgress = [];
    private readonly HashSet<HoconValue> _resolved = [];
    private readonly List<HoconPath> _chain = [];
    private int _depth;

    private SubstitutionResolver(HoconObject root, Func<string, string?> environment)
    {
        _root = root;
        _environment = environment;
    }

    public static void ResolveInPlace(HoconObject root, Func<string, string?> environment)
    {
        var resolver = new SubstitutionResolver(root, environment);
        resolver.ResolveObjectFields(root, HoconPath.Root, previous: null);
        TreeLimits.Check(root);
    }

    private void ResolveObjectFields(HoconObject obj, HoconPath path, HoconValue? previous)
    {
        foreach (var key in obj.Keys.ToArray())
        {
            HoconValue? previousChild = null;
            (previous as HoconObject)?.TryGetValue(key, out previousChild);
            ResolveField(obj, key, path.Append(key), requestedBy: null, previousChild);
        }
    }

    /// <summary>
    /// Resolves one field of <paramref name="owner"/> and stores the result there (removing the field
    /// when an optional substitution left it undefined). <paramref name="previous"/> is what a
    /// self-reference in this field sees.
    /// </summary>
    private HoconValue? ResolveField(HoconObject owner, string key, HoconPath path, SourcePosition? requestedBy, HoconValue? previous)
    {
        if (!owner.TryGetValue(key, out var value))
        {
            return null;
        }

        if (value is HoconScalar || _resolved.Contains(value))
        {
            return value;
        }

        if (_inProgress.Contains(value))
        {
            throw Cycle(path, requestedBy ?? value.Position);
        }

        Enter(value.Position);
        _inProgress.Add(value);
        _chain.Add(path);
        try
        {
            HoconValue? result;
            switch (value)
            {
                case HoconObject obj:
                    ResolveObjectFields(obj, path, previous);
                    result = obj;
                    break;
                case HoconArray array:
                    result = ResolveArray(array, path, self: null);
                    break;
                default:
                    result = ResolveValue(value, path, new SelfReference(path, previous));
                    break;
            }

            if (result is null)
            {
                owner.Remove(key);
            }
            else
            {
                owner.Set(key, result);
                _resolved.Add(result);
            }

            return result;
        }
        finally
        {
            _inProgress.Remove(value);
            _chain.RemoveAt(_chain.Count - 1);
            _depth--;
        }
    }

    private HoconValue? ResolveValue(HoconValue value, HoconPath path, SelfReference? self)
    {
        Enter(value.Position);
        try
        {
            switch (value)
            {
                case HoconScalar:
                    return value;
                case HoconObject obj:
                    ResolveObjectFields(obj, path, self?.Previous);
                    return obj;
                case HoconArray array:
                    return ResolveArray(array, path, self);
                case HoconSubstitution substitution:
                    return ResolveSubstitution(substitution, self);
                case HoconConcatenation concatenation:
                    var pieces = new List<HoconValue>();
                    foreach (var piece in concatenation.Pieces)
                    {
                        if (ResolveValue(piece, path, self) is { } resolved)
                        {
                            pieces.Add(resolved);
                        }
                    }

                    return HoconConcatenation.Join(pieces, concatenation.Position);
                case HoconDelayedMerge merge:
                    return ResolveLayers(merge, path);
                default:
                    throw new InvalidOperationException($"unexpected node {value.GetType().Name}");
            }
        }
        finally
        {
            _depth--;
        }
    }

    /// <summary>Folds the definitions of one field bottom-up; each layer's self-references see the fold so far.</summary>
    private HoconValue? ResolveLayers(HoconDelayedMerge merge, HoconPath path)
    {
        HoconValue? folded = null;
        foreach (var layer in merge.Layers)
        {
            var resolved = ResolveValue(layer, path, new SelfReference(path, folded));
            if (resolved is null)
            {
                continue;
            }

            folded = folded is HoconObject lower && resolved is HoconObject upper
                ? HoconMerging.MergeResolved(lower, upper)
                : resolved;
        }

        return folded;
    }

    private HoconArray ResolveArray(HoconArray array, HoconPath path, SelfReference? self)
    {
        var i = 0;
        while (i < array.Elements.Count)
        {
            var resolved = ResolveValue(array.Elements[i], path, self);
            if (resolved is null)
            {
                array.RemoveAt(i);
            }
            else
            {
                array.ReplaceAt(i, resolved);
                i++;
            }
        }

        return array;
    }

    private HoconValue? ResolveSubstitution(HoconSubstitution substitution, SelfReference? self)
    {
        if (self is { } selfReference && substitution.Path.StartsWith(selfReference.Path))
        {
            var earlier = Navigate(selfReference.Previous, substitution.Path.Skip(selfReference.Path.Count));
            if (earlier is not null)
            {
                return earlier;
            }
        }
        else
        {
            var found = Lookup(substitution.Path, substitution.Position);
            if (found is null && substitution.FallbackPath is { } fallback)
            {
                found = Lookup(fallback, substitution.Position);
            }

            if (found is not null)
            {
                return found;
            }
        }

        // The spec's last resort: a path that is not a setting may name an environment variable.
        var environmentValue = _environment(substitution.EnvironmentName);
        if (environmentValue is not null)
        {
            return HoconScalar.String(environmentValue, substitution.Position);
        }

        if (substitution.Optional)
        {
            return null;
        }

        throw new ConfigurationException(
            $"could not resolve substitution {substitution}: no setting at that path and no environment variable '{substitution.EnvironmentName}'",
            substitution.Position);
    }

    /// <summary>Finds a path in the whole document, resolving only what lies on the way.</summary>
    private HoconValue? Lookup(HoconPath path, SourcePosition requestedBy)
    {
        var current = _root;
        for (var i = 0; i < path.Count; i++)
        {
            var key = path[i];
            if (!current.TryGetValue(key, out var child))
            {
                return null;
            }

            var prefix = HoconPath.Of(path.Segments.Take(i + 1));
            if (i == path.Count - 1)
            {
                return ResolveField(current, key, prefix, requestedBy, previous: null);
            }

            if (child is not HoconObject)
            {
                child = ResolveField(current, key, prefix, requestedBy, previous: null);
            }

            if (child is not HoconObject next)
            {
                return null;
            }

            current = next;
        }

        return null;
    }

    private static HoconValue? Navigate(HoconValue? value, HoconPath rest)
    {
        for (var i = 0; i < rest.Count && value is not null; i++)
        {
            HoconValue? child = null;
            (value as HoconObject)?.TryGetValue(rest[i], out child);
            value = child;
        }

        return value;
    }

    private ConfigurationException Cycle(HoconPath path, SourcePosition position)
    {
        var start = _chain.FindIndex(p => p.Equals(path));
        var loop = (start >= 0 ? _chain.Skip(start) : _chain).Append(path);
        return new ConfigurationException($"substitution cycle: {string.Join(" -> ", loop)}", position);
    }

    private void Enter(SourcePosition position)
    {
        if (++_depth > MaxResolutionDepth)
        {
            _depth--;
            throw new ConfigurationException(
                $"substitutions refer to each other more than {MaxResolutionDepth} levels deep", position);
        }

        try
        {
            StackGuard.Ensure(position);
        }
        catch (ConfigurationException)
        {
            _depth--;
            throw;
        }
    }

    /// <summary>The field a substitution belongs to, and what that field was before this definition.</summary>
    private readonly record struct SelfReference(HoconPath Path, HoconValue? Previous);
}
