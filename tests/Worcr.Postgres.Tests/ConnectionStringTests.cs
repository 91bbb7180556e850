namespace Worcr.Postgres.Tests;

public sealed class ConnectionStringTests
{
    [Fact]
    public void A_url_with_password_and_options_becomes_an_npgsql_connection_string()
    {
        var converted = new Npgsql.NpgsqlConnectionStringBuilder(
            ConnectionStrings.ToNpgsql("postgresql://bob:s%40cret@db.example:6543/jobs?sslmode=disable"));
        Assert.Equal(("db.example", 6543, "jobs", "bob", "s@cret"), (converted.Host, converted.Port, converted.Database, converted.Username, converted.Password));
        Assert.Equal(Npgsql.SslMode.Disable, converted.SslMode);
    }

    [Fact]
    public void An_npgsql_connection_string_is_kept_as_it_is()
    {
        Assert.Equal("Host=h;Port=1", ConnectionStrings.ToNpgsql("Host=h;Port=1"));
    }
}
