using ModularEmr.Host.Hosting;

return await EmrProgram.RunAsync(args, Console.Out, Console.Error);
