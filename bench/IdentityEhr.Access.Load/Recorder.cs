using System.Diagnostics;

namespace IdentityEhr.Access.Load;

/// <summary>Collects outcomes: latencies of granted accesses, errors by kind, and every granted event id.</summary>
internal sealed class Recorder
{
    private readonly Lock _lock = new();
    private readonly List<double> _access = [];
    private readonly List<double> _total = [];
    private readonly List<double> _fromSchedule = [];
    private readonly List<double> _signing = [];
    private readonly Dictionary<string, long> _errors = [];
    private readonly List<Guid> _granted = [];
    private int _windowStart;

    public long Granted
    {
        get
        {
            lock (_lock)
            {
                return _granted.Count;
            }
        }
    }

    public long Errors
    {
        get
        {
            lock (_lock)
            {
                return _errors.Values.Sum();
            }
        }
    }

    public IReadOnlyList<Guid> GrantedEvents => _granted;

    public void Add(AccessOutcome outcome, long? scheduled = null)
    {
        lock (_lock)
        {
            if (outcome.Error is { } error)
            {
                _errors[error] = _errors.GetValueOrDefault(error) + 1;
                return;
            }

            _granted.Add(outcome.Event);
            _access.Add(outcome.AccessMilliseconds);
            _total.Add(outcome.TotalMilliseconds);
            _signing.Add(outcome.SigningMilliseconds);
            if (scheduled is { } at)
            {
                _fromSchedule.Add(Stopwatch.GetElapsedTime(at, outcome.Done).TotalMilliseconds);
            }
        }
    }

    public void AddError(string error)
    {
        lock (_lock)
        {
            _errors[error] = _errors.GetValueOrDefault(error) + 1;
        }
    }

    /// <summary>The access latency p99 of the grants since the last call, and how many there were.</summary>
    public (double P99, int Count) TakeWindow()
    {
        lock (_lock)
        {
            var window = _access.Skip(_windowStart).ToArray();
            _windowStart = _access.Count;
            return (Percentile(window, 0.99), window.Length);
        }
    }

    public string ErrorSummary()
    {
        lock (_lock)
        {
            return _errors.Count == 0 ? "none" : string.Join(", ", _errors.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}: {e.Value:N0}"));
        }
    }

    public string Latencies()
    {
        lock (_lock)
        {
            var lines = new List<string>
            {
                $"  access request:              {Describe(_access)}",
                $"  challenge + sign + access:   {Describe(_total)}",
                $"  client VP signing alone:     {Describe(_signing)}",
            };
            if (_fromSchedule.Count > 0)
            {
                lines.Add($"  from scheduled start (open loop, all three): {Describe(_fromSchedule)}");
            }

            return string.Join(Environment.NewLine, lines);
        }
    }

    public double AccessPercentile(double p)
    {
        lock (_lock)
        {
            return Percentile([.. _access], p);
        }
    }

    public static string Describe(IReadOnlyCollection<double> samples)
    {
        var sorted = samples.Order().ToArray();
        return sorted.Length == 0
            ? "no samples"
            : $"p50 {Percentile(sorted, 0.50, true):F2} ms, p95 {Percentile(sorted, 0.95, true):F2} ms, p99 {Percentile(sorted, 0.99, true):F2} ms, max {sorted[^1]:F2} ms";
    }

    public static double Percentile(double[] samples, double p, bool sorted = false)
    {
        if (samples.Length == 0)
        {
            return double.NaN;
        }

        if (!sorted)
        {
            Array.Sort(samples);
        }

        return samples[Math.Min(samples.Length - 1, (int)Math.Ceiling(p * samples.Length) - 1)];
    }
}
