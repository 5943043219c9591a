global using CovidEntry.Tests.Infrastructure;
