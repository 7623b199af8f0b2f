from django import forms

from .models import ListType

MAX_LIST_FILE = 10 * 1024 * 1024


class ListImportForm(forms.Form):
    list_type = forms.ChoiceField(label="名单类型", choices=ListType.choices)
    file = forms.FileField(label="名单文件（.xlsx 或 .csv）",
                           help_text="表头：统一社会信用代码、企业名称、列入事由、列入日期（日期可空）。")
    replace = forms.BooleanField(label="以本文件替换该类名单的全部原有条目", required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError("仅支持 .xlsx 或 .csv 文件。")
        if upload.size > MAX_LIST_FILE:
            raise forms.ValidationError("文件不能超过 10 MB。")
        return upload
