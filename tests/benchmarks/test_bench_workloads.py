import base64
import hashlib
import hmac
import json

from benchmarks.cognito_servers import PASSWORD, Workload, secret_hash
from benchmarks.http_load import parse_wrk_report
from emulator.bootstrap import PoolConfig

POOL = PoolConfig("us-east-1", "us-east-1_abc", "client1", "s3cret", "http://127.0.0.1:1")


def workload() -> Workload:
    return Workload("emulator", "127.0.0.1", 1, POOL, ["alice", "bob"], ["tok-a", "tok-b"])


def test_secret_hash_is_cognitos_hmac_of_username_and_client_id() -> None:
    expected = base64.b64encode(
        hmac.new(b"s3cret", b"aliceclient1", hashlib.sha256).digest()
    ).decode()
    assert secret_hash("alice", "client1", "s3cret") == expected


def test_each_client_logs_in_as_its_own_user_with_a_secret_hash() -> None:
    login = workload().factory("InitiateAuth")
    body = json.loads(login(1, 99).body or b"")
    assert body["AuthFlow"] == "USER_PASSWORD_AUTH"
    assert body["AuthParameters"] == {
        "USERNAME": "bob",
        "PASSWORD": PASSWORD,
        "SECRET_HASH": secret_hash("bob", "client1", "s3cret"),
    }


def test_get_user_sends_the_clients_access_token() -> None:
    read = workload().factory("GetUser")
    assert json.loads(read(0, 0).body or b"") == {"AccessToken": "tok-a"}


def test_sign_up_names_are_unique_across_clients_sequences_and_runs() -> None:
    load = workload()
    first, second = load.factory("SignUp"), load.factory("SignUp")
    names = {
        json.loads(make(index, sequence).body or b"")["Username"]
        for make in (first, second)
        for index in range(2)
        for sequence in range(3)
    }
    assert len(names) == 12
    body = json.loads(first(0, 0).body or b"")
    assert body["SecretHash"] == secret_hash(body["Username"], "client1", "s3cret")


def test_wrk_report_line_becomes_a_throughput_with_status_errors_subtracted() -> None:
    output = (
        "Running 1s test @ http://127.0.0.1:1/\n"
        '{"requests": 1000, "duration_us": 2000000, "failed": 10, "status_errors": 4, '
        '"p50_us": 1500, "p95_us": 4000}\n'
    )
    result = parse_wrk_report(output)
    assert result.operations == 996
    assert result.errors == 10
    assert result.per_second == 498
    assert (result.p50_ms, result.p95_ms) == (1.5, 4.0)
