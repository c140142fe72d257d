using System.Diagnostics;

namespace IdentityEhr.Testing;

/// <summary>Runs a Node.js script of the repository (independent implementations, the contract compiler) and returns its output.</summary>
public static class NodeScript
{
    /// <summary>Runs <c>node</c> with the script, writes <paramref name="standardInput"/> to it, and fails loudly on a non-zero exit.</summary>
    /// <param name="scriptPath">The script, relative to the repository root.</param>
    /// <param name="arguments">The script's arguments.</param>
    /// <param name="standardInput">Text for the script's standard input, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the run (the process is killed).</param>
    /// <returns>The script's standard output.</returns>
    /// <exception cref="InvalidOperationException">node is missing, or the script exited non-zero (its standard error is in the message).</exception>
    public static async Task<string> RunAsync(string scriptPath, IEnumerable<string> arguments, string? standardInput, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(scriptPath);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process node;
        try
        {
            node = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("node is not on PATH: install Node.js 20 or later and run 'npm ci'.", e);
        }

        using (node)
        {
            var output = node.StandardOutput.ReadToEndAsync(cancellationToken);
            var errors = node.StandardError.ReadToEndAsync(cancellationToken);
            if (standardInput is not null)
            {
                await node.StandardInput.WriteAsync(standardInput.AsMemory(), cancellationToken);
            }

            node.StandardInput.Close();
            try
            {
                await node.WaitForExitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                node.Kill(entireProcessTree: true);
                throw;
            }

            return node.ExitCode == 0
                ? await output
                : throw new InvalidOperationException($"node {scriptPath} exited {node.ExitCode}: {await errors}");
        }
    }
}
