using System.Runtime.CompilerServices;

// The benchmark's pure parts (statistics, report format, schedule) are tested from bench/tests without making them public.
[assembly: InternalsVisibleTo("Worcr.Bench.Tests")]
