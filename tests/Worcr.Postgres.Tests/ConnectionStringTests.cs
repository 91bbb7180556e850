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

    [Fact]
    public void Statements_are_prepared_automatically_unless_the_operator_says_otherwise()
    {
        Assert.Equal(ConnectionDefaults.MaxAutoPrepare, new Npgsql.NpgsqlConnectionStringBuilder(ConnectionDefaults.Apply("Host=h")).MaxAutoPrepare);
        Assert.Equal(0, new Npgsql.NpgsqlConnectionStringBuilder(ConnectionDefaults.Apply("Host=h;Max Auto Prepare=0")).MaxAutoPrepare);
        Assert.Equal(5, new Npgsql.NpgsqlConnectionStringBuilder(ConnectionDefaults.Apply("Host=h;maxautoprepare=5")).MaxAutoPrepare);
        var fromUrl = ConnectionDefaults.Apply(ConnectionStrings.ToNpgsql("postgres://u@h/db?Max%20Auto%20Prepare=0"));
        Assert.Equal(0, new Npgsql.NpgsqlConnectionStringBuilder(fromUrl).MaxAutoPrepare);
    }

    [Fact]
    public void Connections_go_back_to_the_pool_without_a_reset_unless_the_operator_says_otherwise()
    {
        Assert.True(new Npgsql.NpgsqlConnectionStringBuilder(ConnectionDefaults.Apply("Host=h")).NoResetOnClose);
        Assert.False(new Npgsql.NpgsqlConnectionStringBuilder(ConnectionDefaults.Apply("Host=h;No Reset On Close=false")).NoResetOnClose);
        var fromUrl = ConnectionDefaults.Apply(ConnectionStrings.ToNpgsql("postgres://u@h/db?noresetonclose=false"));
        Assert.False(new Npgsql.NpgsqlConnectionStringBuilder(fromUrl).NoResetOnClose);
    }
}
