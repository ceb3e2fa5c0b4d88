"""The HTTP API: what the command line does, for programs, on the workspace's data.

    POST /api/render                  a data file → the .docx `nianbao render` makes of it
    POST /api/check?name=F            a report file → the findings of `check --format json`
    GET  /api/reports/<office>/<year> the newest version as a data file, with an ETag
    PUT  /api/reports/<office>/<year> a data file → a new version (If-Match: no lost update)

Each request's files live in a private temporary folder, removed when it is answered;
the data file's office profile is the workspace's, written into that folder, so the
render is the CLI's render of the same data file and profile, byte for byte. A data
file names its office by id only (no path: the server's files are not a client's to
name), and only an office in the caller's scope.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.http import content_disposition_header

from nianbao import api
from nianbao.checking.report import CheckResult
from nianbao.datafile.profiles import dump_office
from nianbao.datafile.settings import field_label
from nianbao.datafile.yamlfile import YAML_SUFFIXES, LineDict, read_yaml
from nianbao.errors import NianbaoError, Problem, ProblemList
from nianbao.jobs.check import DATA_RULE
from nianbao.spec.findings import ERROR, Finding
from nianbao.spec.labels import normalize_label
from nianbao.web import scope, store
from nianbao.web.apiauth import api_view, error
from nianbao.web.models import Office, Report
from nianbao.web.payload import payload_of

MAX_BODY = 5 * 1024 * 1024  # a data file (the reader's own limit) or a report file
DATA_TYPES = ("application/x-yaml", "application/yaml", "text/yaml", "text/plain")
YAML_TYPE = "application/x-yaml; charset=utf-8"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# what /api/check reads: report files, and data files (a .yaml, a returned 填报表)
CHECK_SUFFIXES = (".docx", ".pdf", ".html", ".htm", ".txt", ".md", ".xlsx", *YAML_SUFFIXES)
NOTE = "接口上传"
_CHUNK = 64 * 1024
_VERSION_TAG = re.compile(r'^(?:W/)?"(\d{1,9})"$')


class Refused(Exception):
    """A request the API answers with an error response instead of running."""

    def __init__(self, response: HttpResponse) -> None:
        super().__init__(response.status_code)
        self.response = response


def _caller(request: HttpRequest) -> User:
    """The token's user (set by api_view): never anonymous here."""
    user = request.user
    assert isinstance(user, User)
    return user


def _json(data: Any, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, safe=False,
                        json_dumps_params={"ensure_ascii": False})


# --- the request body ------------------------------------------------------------------

def _too_big(request: HttpRequest) -> bool:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY
    except ValueError:
        return True


def _body_to(request: HttpRequest, path: Path) -> None:
    """The request body into a file, refused (413) beyond MAX_BODY: checked on the
    announced length first, then on what is actually read."""
    refused = Refused(error(f"请求内容过大：最多 {MAX_BODY // (1024 * 1024)} MB", 413))
    if _too_big(request):
        raise refused
    size = 0
    with path.open("wb") as file:
        while chunk := request.read(_CHUNK):
            size += len(chunk)
            if size > MAX_BODY:
                raise refused
            file.write(chunk)


def _expect_data_file(request: HttpRequest) -> None:
    """A data file comes as YAML text in UTF-8 (415 for anything else)."""
    kind = (request.content_type or "").lower()
    charset = (request.content_params or {}).get("charset", "utf-8").lower()
    if kind not in DATA_TYPES or charset.replace("_", "-") not in ("utf-8", "utf8"):
        raise Refused(error(
            f"请求内容应为 UTF-8 的数据文件（Content-Type: {DATA_TYPES[0]}），"
            f"不是“{request.content_type or '未注明'}”", 415))


def _given_name(request: HttpRequest) -> str:
    """The file name the client gives (`?name=` or X-Filename), its last part only."""
    name = request.GET.get("name") or request.META.get("HTTP_X_FILENAME") or ""
    name = PurePosixPath(PureWindowsPath(name.strip()).name).name
    return "" if name in ("", ".", "..") or len(name) > 120 else name


def _data_name(request: HttpRequest) -> str:
    """The data file's name in problems (as the CLI prints the name it was given)."""
    name = _given_name(request)
    return name if name.lower().endswith(YAML_SUFFIXES) else "data.yaml"


# --- problems, as the CLI prints them -----------------------------------------------------

def _unfold(text: str, folder: Path) -> str:
    """A line without the temporary folder's path: what the CLI prints run in it."""
    return text.replace(f"{folder}/", "").replace(f"{folder}\\", "")


def _problems(exc: NianbaoError, folder: Path | None = None) -> JsonResponse:
    """422 {"problems": [...], "lines": [...]}: each problem's line, official label and
    message, and the lines `nianbao render` prints for the same data file."""
    problems = exc.problems if isinstance(exc, ProblemList) else []
    lines = exc.lines() if folder is None else [_unfold(line, folder) for line in exc.lines()]
    return _json({"problems": [{"line": p.line, "label": p.label, "message": p.message}
                               for p in problems], "lines": lines}, 422)


def _disposition(name: str, *, attachment: bool = True) -> str:
    return content_disposition_header(attachment, name) or "inline"


def _problem(path: Path, line: int | None, key: str, message: str) -> ProblemList:
    return ProblemList([Problem(path, line, field_label(key), message)])


# --- the data file's office ---------------------------------------------------------------

def _top(raw: LineDict, key: str) -> tuple[Any, int | None] | None:
    """A top-level value and its line, its key matched as the reader matches it."""
    if key in raw:
        return raw[key], raw.lines.get(key, raw.line)
    for typed in raw:
        if isinstance(typed, str) and normalize_label(typed) == normalize_label(key):
            return raw[typed], raw.lines.get(typed, raw.line)
    return None


def _office_of(path: Path, user: Any, expected: str | None = None, *,
               inline: bool = False) -> Office | None:
    """The workspace office the data file names, if the user may use it; raises
    ProblemList naming the office otherwise. None when the file has no office for the
    reader to look up (not YAML, no `office:`; a profile written out in the data file,
    `inline`: for a check, which stores nothing): the reader says what is wrong."""
    try:
        raw, _slips = read_yaml(path)
    except ProblemList:
        return None
    if not isinstance(raw, LineDict) or (found := _top(raw, "office")) is None:
        return None
    ref, line = found
    if not isinstance(ref, str) or not ref.strip():
        if isinstance(ref, LineDict) and not inline:
            raise _problem(path, line, "office",
                           "应为本工作台中的机关代号（如 pingtan），不能直接写机关信息")
        return None
    ref = ref.strip()
    if expected is not None and ref != expected:
        raise _problem(path, line, "office", f"数据文件是机关 “{ref}” 的，"
                       f"不是本地址的机关 “{expected}” 的")
    office = scope.visible_offices(user).filter(pk=ref).first()
    if office is None:
        raise _problem(path, line, "office", f"本工作台中没有机关 “{ref}”，或无权使用")
    return office


def _with_profile(folder: Path, office: Office | None) -> list[Path]:
    """The office's profile as the workspace has it, written where the reader finds it
    first (`offices=`), so no profile of the server's own folders is ever read."""
    offices = folder / "config" / "offices"
    offices.mkdir(parents=True)
    if office is not None:
        (offices / f"{office.id}.yaml").write_text(
            dump_office(Office.fields_of(office.profile())), encoding="utf-8")
    return [offices]


@contextmanager
def _received_data_file(request: HttpRequest) -> Iterator[tuple[Path, Path]]:
    """The data file of the request's body in a private temporary folder (removed
    after, whatever happens): (the folder, the file)."""
    _expect_data_file(request)
    with tempfile.TemporaryDirectory(prefix="nianbao-api-") as tmp:
        folder = Path(tmp)
        data = folder / _data_name(request)
        _body_to(request, data)
        yield folder, data


# --- POST /api/render -------------------------------------------------------------------

@api_view("POST")
def render(request: HttpRequest) -> HttpResponse:
    """A data file → the .docx, or 422 with every problem (as `nianbao render`)."""
    try:
        with _received_data_file(request) as (folder, data):
            try:
                offices = _with_profile(folder, _office_of(data, request.user))
                output = data.with_suffix(".docx")
                rendered = api.render_one(data, api.Outputs(docx=output), offices)
            except NianbaoError as exc:
                return _problems(exc, folder)
            document = rendered.documents[output]
            name = f"{rendered.report.office.id}-{rendered.report.year}.docx"
    except Refused as refused:
        return refused.response
    response = HttpResponse(document, content_type=DOCX_TYPE)
    response["Content-Disposition"] = _disposition(name)
    response["Content-Length"] = str(len(document))
    return response


# --- POST /api/check --------------------------------------------------------------------

@api_view("POST")
def check(request: HttpRequest) -> HttpResponse:
    """A report file → `check --format json`'s JSON of it (422 when unusable)."""
    name = _given_name(request)
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in CHECK_SUFFIXES:
        return error("请用 ?name=文件名 或 X-Filename 请求头给出文件名，以便按扩展名读取："
                     f"可检查 {'、'.join(CHECK_SUFFIXES)}", 415)
    try:
        with tempfile.TemporaryDirectory(prefix="nianbao-api-") as tmp:
            folder = Path(tmp)
            path = folder / f"report{suffix}"
            _body_to(request, path)
            result = _checked(path, request.user)
            result.file = Path(name)  # as `check` prints the name it was given
    except Refused as refused:
        return refused.response
    return _json(result.as_dict(), 422 if result.unusable else 200)


def _checked(path: Path, user: Any) -> CheckResult:
    """check_file on the file; a data file's office must be one the user may use
    (written beside it from the workspace), else that is its one data problem."""
    if path.suffix.lower() in YAML_SUFFIXES:
        try:
            _with_profile(path.parent, _office_of(path, user, inline=True))
        except ProblemList as exc:
            result = CheckResult(path)
            result.findings = [Finding(DATA_RULE, ERROR, "", p.label, "", None, None, p.within)
                               for p in exc.problems]
            return result
    return api.check_file(path)


# --- GET/PUT /api/reports/<office>/<year> -----------------------------------------------

def _etag(number: int) -> str:
    return f'"{number}"'


def _tags(header: str) -> list[str]:
    return [tag.strip() for tag in header.split(",") if tag.strip()]


def _version_of(tag: str) -> int | None:
    match = _VERSION_TAG.match(tag)
    return int(match[1]) if match else None


@api_view("GET", "HEAD", "PUT")
def report(request: HttpRequest, office: str, year: int) -> HttpResponse:
    if request.method == "PUT":
        return _put(request, scope.office_for(request.user, office), year)
    return _get(request, scope.report_for(request.user, office, year))


def _get(request: HttpRequest, found: Report) -> HttpResponse:
    """The newest version as a data file; 304 when the client has it (If-None-Match)."""
    etag = _etag(found.version)
    held = _tags(request.META.get("HTTP_IF_NONE_MATCH", ""))
    if "*" in held or found.version in map(_version_of, held):  # weak or strong alike
        response = HttpResponse(status=304)
    else:
        try:
            text = api.dump_report(store.report_model(found))
        except ProblemList as exc:  # a version saved with data problems (the editor's)
            return _problems(exc)
        response = HttpResponse(text.encode("utf-8"), content_type=YAML_TYPE)
        response["Content-Disposition"] = _disposition(f"{found.office_id}-{found.year}.yaml",
                                                       attachment=False)
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


def _put(request: HttpRequest, office: Office, year: int) -> HttpResponse:
    """A data file of this office and year → a new version, based on the version the
    client names (If-Match), refused when that is no longer the newest (409); a report
    that does not exist is made only when asked to (If-None-Match: *)."""
    found = Report.objects.filter(office=office, year=year).first()
    create = "*" in _tags(request.META.get("HTTP_IF_NONE_MATCH", ""))
    if found is None and not create:
        return error("没有这一年度的年报（新建请加请求头 If-None-Match: *）", 404)
    if found is not None and create:
        return error(f"这一年度的年报已存在（第 {found.version} 版）：修改请用 If-Match", 412,
                     ETag=_etag(found.version))
    base = 0
    if found is not None:
        refusal = store.refusal(found, request.user)
        if refusal is not None:  # submitted or approved: not the office's to change
            return error(f"未保存：{refusal}", 409, ETag=_etag(found.version))
        tags = _tags(request.META.get("HTTP_IF_MATCH", ""))
        numbers = [n for n in map(_version_of, tags) if n is not None]
        if not numbers:
            return error("缺少 If-Match：请给出所修改的版本（GET 时的 ETag，如 \"3\"），"
                         "以免覆盖别人在此期间保存的修改", 428)
        base = found.version if found.version in numbers else min(numbers)
        if base != found.version:
            return _stale(found, base)
    try:
        with _received_data_file(request) as (folder, data):
            try:
                offices = _with_profile(folder, _office_of(data, request.user, office.id))
                warnings: list[Problem] = []
                model = api.load_report(data, offices, warnings=warnings)
                if model.year != year:
                    line = _top(read_yaml(data)[0], "year")
                    raise _problem(data, line[1] if line else None, "year",
                                   f"数据文件是 {model.year} 年度的，不是本地址的 {year} 年度")
            except NianbaoError as exc:
                return _problems(exc, folder)
            shown = [_unfold(str(w), folder) for w in warnings]
    except Refused as refused:
        return refused.response
    payload = payload_of(model)
    if found is None:
        try:
            made = store.create(office, year, _caller(request), payload, NOTE)
        except IntegrityError:  # made by another request meanwhile
            return error("这一年度的年报已存在：修改请用 If-Match", 412)
        number, status = made.version, 201
    else:
        try:
            saved = store.save(found, _caller(request), payload, base, NOTE)
        except store.Locked as locked:  # submitted while the data file was read
            return error(f"未保存：{locked}", 409, ETag=_etag(found.version))
        except store.Stale as stale:
            return _stale_response(stale.current, stale.changes)
        number, status = saved.version.number, 200
    response = _json({"version": number, "warnings": shown}, status)
    response["ETag"] = _etag(number)
    return response


def _stale(found: Report, base: int) -> JsonResponse:
    """409: what changed since the client's version (none named when it never was)."""
    changes: list[str] = []
    if 0 < base < found.version:
        changes = store.changes(store.payload_at(found, base),
                                store.payload_at(found, found.version))
    return _stale_response(found.version, changes)


def _stale_response(current: int, changes: list[str]) -> JsonResponse:
    response = _json({"error": f"年报已有更新的版本（第 {current} 版），未保存：请先取回"
                      "（GET）最新版本，合并修改后再上传", "current": current,
                      "changes": changes}, 409)
    response["ETag"] = _etag(current)
    return response

