using IdentityEhr.Api;

return await ServiceHost.RunAsync(args);
