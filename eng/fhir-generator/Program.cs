using IdentityEhr.Fhir.Generator;

// Usage: dotnet run --project eng/fhir-generator [-- <package folder> <output file>]
// Defaults: node_modules/hl7.fhir.r4.examples and src/Fhir/Definitions/r4-definitions.json under the repository root.
var root = FhirDefinitionGenerator.FindRepositoryRoot(Environment.CurrentDirectory);
var package = args.Length > 0 ? args[0] : Path.Combine(root, FhirDefinitionGenerator.PackageFolder);
var output = args.Length > 1 ? args[1] : Path.Combine(root, FhirDefinitionGenerator.OutputFile);
var bytes = FhirDefinitionGenerator.Generate(package);
File.WriteAllBytes(output, bytes);
Console.WriteLine($"Wrote {output} ({bytes.Length:N0} bytes).");
