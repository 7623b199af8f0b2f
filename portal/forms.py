from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from .models import Region, RegionLevel, User
from .validators import normalise_uscc, validate_phone, validate_uscc


def county_choices(prefix: str) -> list:
    """Counties under ``prefix`` grouped by city, for a <select> with <optgroup>s."""
    regions = Region.objects.filter(code__startswith=prefix).exclude(level=RegionLevel.PROVINCE).order_by("code")
    groups: dict[str, tuple[str, list]] = {}
    cities = {r.code: r.name for r in regions if r.level == RegionLevel.CITY}
    for r in regions:
        if r.level == RegionLevel.COUNTY:
            city = cities.get(r.parent_id, "")
            groups.setdefault(r.parent_id, (city, []))[1].append((r.code, r.name))
    return [("", "请选择县（市、区）")] + [(name, options) for name, options in groups.values()]


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码不正确。",
        "inactive": "该账号已停用，请联系管理员。",
    }

    def get_invalid_login_error(self):
        # The failure is already counted (axes listens to the failed-login signal), so say how many are left.
        from axes.handlers.proxy import AxesProxyHandler

        failures = AxesProxyHandler.get_failures(self.request, {"username": self.cleaned_data.get("username")})
        left = max(settings.AXES_FAILURE_LIMIT - failures, 1)
        return ValidationError(
            "用户名或密码不正确。再输错 %(left)d 次，账号将被锁定 %(minutes)d 分钟。",
            code="invalid_login",
            params={"left": left, "minutes": round(settings.AXES_COOLOFF_TIME * 60)},
        )


class EnterpriseRegistrationForm(forms.Form):
    name = forms.CharField(label="企业名称", max_length=200)
    # Room for the spaces people paste from a licence scan; the validator checks the compact 18 characters.
    uscc = forms.CharField(label="统一社会信用代码", max_length=24, help_text="18 位，见营业执照")
    region = forms.ChoiceField(label="注册地（县、市、区）")
    contact_person = forms.CharField(label="联系人", max_length=50)
    contact_phone = forms.CharField(label="联系电话", max_length=20, validators=[validate_phone])
    email = forms.EmailField(label="电子邮箱", required=False, help_text="用于接收审核结果通知")
    username = forms.RegexField(label="登录用户名", max_length=150, regex=r"^[\w.@+-]+$",
                                error_messages={"invalid": "用户名只能包含字母、数字和 @ . + - _。"})
    password1 = forms.CharField(label="密码", strip=False, widget=forms.PasswordInput(render_value=False),
                                help_text="至少 8 位，包含大写字母、小写字母、数字、符号中的至少 3 类")
    password2 = forms.CharField(label="确认密码", strip=False, widget=forms.PasswordInput(render_value=False))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = county_choices(settings.PORTAL_PROVINCE_CODE[:2])

    def clean_uscc(self):
        return validate_uscc(normalise_uscc(self.cleaned_data["uscc"]))

    def clean_region(self):
        try:
            return Region.objects.get(code=self.cleaned_data["region"], level=RegionLevel.COUNTY)
        except Region.DoesNotExist as exc:
            raise ValidationError("请选择企业注册地所在的县（市、区）。") from exc

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", "两次输入的密码不一致。")
        if data.get("password1"):
            # Checked here too, so a weak password is reported together with every other mistake.
            probe = User(username=data.get("username", ""), email=data.get("email", ""),
                         full_name=data.get("contact_person", ""))
            try:
                validate_password(data["password1"], probe)
            except ValidationError as error:
                self.add_error("password1", error)
        return data


class StaffAccountForm(forms.Form):
    region = forms.ChoiceField(label="所属辖区")
    full_name = forms.CharField(label="姓名", max_length=50)
    username = forms.RegexField(label="登录用户名", max_length=150, regex=r"^[\w.@+-]+$",
                                error_messages={"invalid": "用户名只能包含字母、数字和 @ . + - _。"})
    phone = forms.CharField(label="手机号", max_length=20, required=False)
    email = forms.EmailField(label="电子邮箱", required=False)
    password = forms.CharField(label="初始密码", strip=False, widget=forms.PasswordInput,
                               help_text="至少 8 位，包含大写字母、小写字母、数字、符号中的至少 3 类")

    def __init__(self, *args, creator, **kwargs):
        super().__init__(*args, **kwargs)
        self.creator = creator
        regions = Region.objects.order_by("code")
        if creator.role == "city":
            regions = regions.filter(parent=creator.region)
        elif creator.role == "province":
            regions = regions.filter(code__startswith=creator.region.scope_prefix).exclude(level=RegionLevel.PROVINCE)
        else:
            regions = regions.filter(code__startswith=settings.PORTAL_PROVINCE_CODE[:2])
        self.fields["region"].choices = [("", "请选择")] + [
            (r.code, f"{r.name}（{r.get_level_display()}）") for r in regions
        ]

    def clean_region(self):
        return Region.objects.get(code=self.cleaned_data["region"])
