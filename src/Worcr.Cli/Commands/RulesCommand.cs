using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Worcr.Core.Lanes;
using Worcr.Scripting;

namespace Worcr.Cli.Commands;

/// <summary>
/// `worcr rules test`: the weight multiplier a job would get on a worker, from local rule files or from a running
/// node (POST /api/rules/explain, which includes database rules). `worcr rules validate FILE`: compile one rule file.
/// </summary>
internal static class RulesCommand
{
    private sealed record Applied(string Rule, double Factor, string? Error);

    private sealed record Outcome(string Source, double Multiplier, bool Forbidden, IReadOnlyList<Applied> Trace);

    public static Command Create() => new("rules", "Try and check rules.") { CreateTest(), CreateValidate() };

    private static Command CreateTest()
    {
        var jobType = new Option<string>("--job-type") { Description = "The job's type, e.g. email.send.", Required = true };
        var jobTags = new Option<string?>("--job-tags") { Description = "The job's tags, comma-separated, e.g. premium,email." };
        var tenant = new Option<string>("--tenant") { Description = "The job's tenant.", DefaultValueFactory = _ => "default" };
        var workerTags = new Option<string?>("--worker-tags") { Description = "The worker's tags, comma-separated." };
        var workerTypes = new Option<string?>("--worker-types") { Description = "Job types the worker handles, comma-separated (default: the job's type)." };
        var rules = new Option<string>("--rules") { Description = "Folder of rule files evaluated locally (default ./rules).", DefaultValueFactory = _ => "rules" };
        var http = new Option<string?>("--http") { Description = "A node's HTTP address, e.g. http://127.0.0.1:7080: ask it instead (includes database rules)." };
        var apiKey = CommonOptions.ApiKey();
        var command = new Command("test", "Print the weight multiplier a job gets on a worker, and each weight rule's factor.")
        {
            jobType, jobTags, tenant, workerTags, workerTypes, rules, http, apiKey,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var type = parse.GetValue(jobType)!;
            var job = new JobFacts(type, parse.GetValue(tenant)!, Lane.NormaliseTags(List(parse.GetValue(jobTags))), "{}", 0, DateTimeOffset.UnixEpoch);
            var types = List(parse.GetValue(workerTypes));
            var worker = new WorkerFacts("cli", Lane.NormaliseTags(List(parse.GetValue(workerTags))), types.Length > 0 ? types : [type]);
            var node = parse.GetValue(http);
            try
            {
                var outcome = node is null
                    ? EvaluateLocally(parse.GetValue(rules)!, job, worker)
                    : await ExplainRemotelyAsync(new Uri(node), DevCredentials.ApiKey(parse.GetValue(apiKey)), job, worker, cancellationToken);
                Print(outcome);
                return 0;
            }
            catch (Exception exception) when (exception is RuleFileException or DirectoryNotFoundException or HttpRequestException or InvalidOperationException)
            {
                Console.Error.WriteLine($"error: {exception.Message}");
                return 1;
            }
        });
        return command;
    }

    private static Command CreateValidate()
    {
        var file = new Argument<string>("file") { Description = "A .lua or .js rule file with its worcr-rule header." };
        var command = new Command("validate", "Compile one rule file in the sandbox: prints OK, or the error and its line (exit 1).") { file };
        command.SetAction(parse => Validate(parse.GetValue(file)!));
        return command;
    }

    private static int Validate(string file)
    {
        try
        {
            var source = RuleFileLoader.LoadFile(file);
            using var compiled = RuleCompiler.Compile(source);
            Console.WriteLine($"OK: {source.Name} ({source.Kind} rule, {source.Language}, order {source.Order})");
            return 0;
        }
        catch (RuleCompileException exception)
        {
            Console.Error.WriteLine(exception.Line is { } line ? $"error: {file}:{line}: {exception.Message}" : $"error: {file}: {exception.Message}");
            return 1;
        }
        catch (Exception exception) when (exception is RuleFileException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {exception.Message}");
            return 1;
        }
    }

    /// <summary>Like a node: a weight rule that does not compile is left out (and said so), the others apply.</summary>
    private static Outcome EvaluateLocally(string directory, JobFacts job, WorkerFacts worker)
    {
        var compiled = new List<ICompiledRule>();
        try
        {
            foreach (var source in RuleFileLoader.LoadDirectory(directory).Where(s => s.Kind == RuleKind.Weight))
            {
                try
                {
                    compiled.Add(RuleCompiler.Compile(source));
                }
                catch (RuleCompileException exception)
                {
                    Console.Error.WriteLine($"warning: rule '{source.Name}' is left out: {exception.Message}");
                }
            }
            var decision = new WeightEvaluator(compiled).Evaluate(job, worker);
            var trace = decision.Trace.Select(t => new Applied(t.RuleName, t.Factor, t.Error)).ToList();
            return new Outcome($"rule files in {Path.GetFullPath(directory)}", decision.Multiplier, decision.Forbidden, trace);
        }
        finally
        {
            foreach (var rule in compiled) rule.Dispose();
        }
    }

    private static async Task<Outcome> ExplainRemotelyAsync(Uri node, string? apiKey, JobFacts job, WorkerFacts worker, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = node, Timeout = TimeSpan.FromSeconds(30) };
        if (apiKey is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        var body = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["job"] = new Dictionary<string, object?> { ["type"] = job.Type, ["tenant"] = job.Tenant, ["tags"] = job.Tags },
            ["worker"] = new Dictionary<string, object?> { ["id"] = worker.WorkerId, ["tags"] = worker.Tags, ["job_types"] = worker.JobTypes },
        }, CliJsonContext.Default.DictionaryStringObject);
        using var response = await http.PostAsync("api/rules/explain", new StringContent(body, Encoding.UTF8, "application/json"), cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        var answer = JsonDocument.Parse(text.Length == 0 ? "{}" : text).RootElement;
        if (!response.IsSuccessStatusCode)
        {
            var error = answer.TryGetProperty("error", out var message) ? message.GetString() : text;
            throw new InvalidOperationException($"the node answered {(int)response.StatusCode}: {error}");
        }
        var trace = answer.GetProperty("trace").EnumerateArray()
            .Select(t => new Applied(t.GetProperty("rule").GetString()!, t.GetProperty("factor").GetDouble(), t.GetProperty("error").GetString()))
            .ToList();
        return new Outcome($"node {node} (rules version {answer.GetProperty("version").GetString()})",
            answer.GetProperty("multiplier").GetDouble(), answer.GetProperty("forbidden").GetBoolean(), trace);
    }

    private static void Print(Outcome outcome)
    {
        Console.WriteLine($"Rules: {outcome.Source}");
        var width = Math.Max("rule".Length, outcome.Trace.Select(t => t.Rule.Length).DefaultIfEmpty(0).Max());
        Console.WriteLine($"{"rule".PadRight(width)}  {"factor",8}");
        foreach (var applied in outcome.Trace)
        {
            var note = applied.Error is null ? "" : $"  (failed, counts as 1: {applied.Error})";
            Console.WriteLine($"{applied.Rule.PadRight(width)}  {Number(applied.Factor),8}{note}");
        }
        if (outcome.Trace.Count == 0) Console.WriteLine("(no weight rules)");
        Console.WriteLine(outcome.Forbidden ? "Multiplier: 0  FORBIDDEN (this worker never gets this job)" : $"Multiplier: {Number(outcome.Multiplier)}");
    }

    private static string Number(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    private static string[] List(string? commaSeparated) =>
        (commaSeparated ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
