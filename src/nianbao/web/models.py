"""What the workspace stores: offices and their users, reports (one office, one year),
and every saved version of a report as typed rows — one row a cell, one row a
paragraph — never a serialized blob, so that sums across offices are queries and a
version's cells can be compared with another's. Nothing is ever deleted automatically.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from nianbao.report.office import ALL_FIELDS
from nianbao.report.office import Office as OfficeProfile
from nianbao.web.payload import MAX_CELL, MAX_DATE, MAX_FEE, MAX_STANDARD, MAX_TITLE


class Office(models.Model):
    """An office and its profile (机关信息); its id is the profile's file name, as data
    files name it."""

    id = models.CharField("机关代号", max_length=100, primary_key=True)
    name = models.CharField(ALL_FIELDS["name"], max_length=200)
    contact_unit = models.CharField(ALL_FIELDS["contact_unit"], max_length=200)
    phone = models.CharField(ALL_FIELDS["phone"], max_length=100)
    address = models.CharField(ALL_FIELDS["address"], max_length=300)
    signature = models.CharField(ALL_FIELDS["signature"], max_length=200)
    email = models.CharField(ALL_FIELDS["email"], max_length=200, blank=True)
    postcode = models.CharField(ALL_FIELDS["postcode"], max_length=20, blank=True)
    website = models.CharField(ALL_FIELDS["website"], max_length=300, blank=True)
    category = models.CharField(ALL_FIELDS["category"], max_length=20, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "机关"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    def profile(self) -> OfficeProfile:
        return OfficeProfile(id=self.id, **{key: getattr(self, key) for key in ALL_FIELDS})

    @classmethod
    def fields_of(cls, profile: OfficeProfile) -> dict[str, str]:
        return {key: getattr(profile, key) for key in ALL_FIELDS}


class Member(models.Model):
    """Which office a user works for; a user without one is the compiling body's (an
    admin: `is_staff`), who sees every office."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="member")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="members")

    class Meta:
        verbose_name = verbose_name_plural = "用户所属机关"


class Report(models.Model):
    """One office's report of one year; its content is its versions'."""

    DRAFT, FINAL = "draft", "final"
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="reports")
    year = models.PositiveSmallIntegerField("报告年度")
    status = models.CharField("状态", max_length=10, default=DRAFT,
                              choices=[(DRAFT, "填写中"), (FINAL, "定稿")])
    version = models.PositiveIntegerField("当前版本", default=0)
    # the compiling body's review (报送 → 退回 or 审核通过): "" until first submitted
    SUBMITTED, RETURNED, APPROVED = "submitted", "returned", "approved"
    review = models.CharField("审核", max_length=10, blank=True, default="",
                              choices=[("", "未报送"), (SUBMITTED, "已报送"), (RETURNED, "退回"),
                                       (APPROVED, "已审核")])

    class Meta:
        verbose_name = verbose_name_plural = "年报"
        constraints = [models.UniqueConstraint(fields=["office", "year"],
                                               name="one_report_an_office_a_year")]
        ordering = ["office_id", "-year"]

    def __str__(self) -> str:
        return f"{self.office_id} {self.year}"


class Version(models.Model):
    """A report as one save left it: who, when, why, and the values as typed."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField("版本")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    created = models.DateTimeField("时间", auto_now_add=True)
    note = models.CharField("说明", max_length=200, blank=True)
    form = models.CharField("表格格式", max_length=10)
    date = models.CharField("成文日期", max_length=MAX_DATE, blank=True)
    title = models.CharField("标题", max_length=MAX_TITLE, blank=True)
    fee_notices = models.CharField("发出收费通知件数", max_length=MAX_FEE, blank=True)
    fee_amount = models.CharField("实际收取金额（元）", max_length=MAX_FEE, blank=True)
    # the counts of its findings, kept once counted (the overview of 300 offices must not
    # check every report on every visit); `checked` says what they were counted with
    # (the library's version and the office's profile), so that a new release or a
    # changed profile counts again
    errors = models.PositiveIntegerField("错误", null=True, blank=True)
    warnings = models.PositiveIntegerField("警告", null=True, blank=True)
    checked = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "版本"
        constraints = [models.UniqueConstraint(fields=["report", "number"],
                                               name="one_version_a_number")]
        ordering = ["report_id", "number"]


class Cell(models.Model):
    """One typed cell of a version, as typed ("" for a blank, never read as 0)."""

    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="cells")
    table = models.CharField(max_length=10)
    row = models.CharField(max_length=100)
    column = models.CharField(max_length=100)
    text = models.CharField(max_length=MAX_CELL, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "table", "row", "column"],
                                               name="one_value_a_cell")]
        indexes = [models.Index(fields=["table", "row", "column"])]


class Paragraph(models.Model):
    """One paragraph of a version's prose: a standard paragraph by id, or own text."""

    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="paragraphs")
    section = models.CharField(max_length=40)  # "preamble" or a section id of the form
    index = models.PositiveIntegerField()
    standard = models.CharField(max_length=MAX_STANDARD, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["version_id", "index"]


class Draft(models.Model):
    """What a user typed in the editor and has not saved yet, kept by the browser's
    autosave so that a closed tab loses nothing; one a user a report."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="drafts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    base = models.PositiveIntegerField()  # the version it was typed over
    payload = models.JSONField()
    saved = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "user"],
                                               name="one_draft_a_user_a_report")]


class Event(models.Model):
    """A step in a report's life other than a save (定稿, 重新打开, 恢复), recorded."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="events")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="+")
    when = models.DateTimeField(auto_now_add=True)
    what = models.CharField(max_length=200)

    class Meta:
        ordering = ["report_id", "when"]


class ApiToken(models.Model):
    """An API token of a user: only its SHA-256 is kept; the token is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)


class LoginFailure(models.Model):
    """A failed login, kept for throttling: by user name and by address."""

    username = models.CharField(max_length=150, db_index=True)
    address = models.CharField(max_length=64, db_index=True)
    when = models.DateTimeField(auto_now_add=True, db_index=True)


class Comment(models.Model):
    """A comment of the compiling body on a report it returned (退回): on a cell (its
    id, t3:received:natural), a paragraph (text:<section>:<index>) or the whole report
    (""), as of the version it was made on; kept when the office saves again."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="comments")
    version = models.PositiveIntegerField("版本")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    created = models.DateTimeField("时间", auto_now_add=True)
    target = models.CharField("位置", max_length=200, blank=True)
    text = models.TextField("意见")

    class Meta:
        verbose_name = verbose_name_plural = "审核意见"
        ordering = ["report_id", "created", "id"]
