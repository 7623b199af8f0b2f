"""The finance API: the same scoping (``visible_to``), filtersets and services as the pages. Published
whitelists are read-only here: PUT, PATCH and DELETE are not routes (405)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.base import ScopedReadOnlyViewSet
from portal.models import Organisation

from .. import selectors
from ..filters import (
    CaseFilter,
    ClaimFilter,
    EntryFilter,
    LoanFilter,
    LookupFilter,
    NeedFilter,
    PublicationFilter,
    SubsidyFilter,
    WhitelistFilter,
)
from ..models import (
    BankCase,
    Consent,
    FinancingNeed,
    ImmutableError,
    Loan,
    Lookup,
    Publication,
    RiskClaim,
    SubsidyApplication,
    Whitelist,
)
from ..services import feedback as feedback_services
from ..services import needs as need_services
from ..services.feedback_import import feedback_import
from ..services.lookups import lookup_run
from ..services.policies import NoPolicy
from ..services.publications import whitelist_publish
from ..services.risk import claim_approve, claim_reject, claim_submit
from ..services.subsidies import subsidy_pay, subsidy_transition
from ..services.whitelists import whitelist_generate_start
from ..workflow import TransitionError
from . import serializers as s


def call(service, **kwargs):
    """Run a service; its Chinese refusals become 400 / 403 answers."""
    try:
        return service(**kwargs)
    except DjangoValidationError as error:
        raise ValidationError(error.message_dict if hasattr(error, "error_dict") else error.messages) from error
    except (DjangoPermissionDenied, TransitionError, ImmutableError) as error:
        raise PermissionDenied(str(error)) from error
    except NoPolicy as error:
        raise ValidationError(str(error)) from error


def _input(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class NeedViewSet(ScopedReadOnlyViewSet):
    """融资需求：企业看本企业的，县/市/省看辖区内的；企业可申报（POST）或撤回。"""

    queryset = FinancingNeed.objects.select_related("enterprise", "region")
    serializer_class = s.NeedSerializer
    filterset_class = NeedFilter

    @extend_schema(request=s.NeedInputSerializer, responses={201: s.NeedSerializer})
    def create(self, request):
        data = _input(s.NeedInputSerializer, request)
        need = call(need_services.need_declare, user=request.user, amount=data["amount"], purpose=data["purpose"],
                    term_months=data["term_months"], growth_stage=data["growth_stage"], asset_keys=data["assets"])
        return Response(s.NeedSerializer(need).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.NeedSerializer)
    @action(detail=False, methods=["post"])
    def withdraw(self, request):
        need = call(need_services.need_withdraw, user=request.user)
        if need is None:
            raise NotFound("没有有效的融资需求。")
        return Response(s.NeedSerializer(need).data)


class ConsentViewSet(ScopedReadOnlyViewSet):
    """信息共享授权：企业可授权（POST，替换生效中的授权）或撤回（revoke）。"""

    queryset = Consent.objects.select_related("policy").prefetch_related("banks")
    serializer_class = s.ConsentSerializer

    @extend_schema(request=s.ConsentInputSerializer, responses={201: s.ConsentSerializer})
    def create(self, request):
        data = _input(s.ConsentInputSerializer, request)
        banks = list(Organisation.objects.filter(pk__in=data["banks"], kind="bank"))
        if len(banks) != len(set(data["banks"])):
            raise ValidationError({"banks": "所选银行不存在。"})
        consent = call(need_services.consent_give, user=request.user, all_banks=data["all_banks"], banks=banks,
                       ip_address=request.META.get("REMOTE_ADDR"))
        return Response(s.ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.ConsentSerializer)
    @action(detail=False, methods=["post"])
    def revoke(self, request):
        consent = call(need_services.consent_revoke, user=request.user, ip_address=request.META.get("REMOTE_ADDR"))
        return Response(s.ConsentSerializer(consent).data)


class WhitelistViewSet(ScopedReadOnlyViewSet):
    """白名单草稿：市、省生成（generate，后台任务）、查看逐条结果（candidates）并发布（publish）。"""

    queryset = Whitelist.objects.select_related("publication")
    serializer_class = s.WhitelistSerializer
    filterset_class = WhitelistFilter

    @extend_schema(request=None, responses={202: s.WhitelistSerializer})
    @action(detail=False, methods=["post"])
    def generate(self, request):
        whitelist = call(whitelist_generate_start, user=request.user)
        return Response(s.WhitelistSerializer(whitelist).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses=s.CandidateSerializer(many=True))
    @action(detail=True)
    def candidates(self, request, pk=None):
        whitelist = self.get_object()
        from ..filters import CandidateFilter

        queryset = CandidateFilter(request.GET or None, request=request,
                                   queryset=selectors.candidate_list(user=request.user, whitelist=whitelist)).qs
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(s.CandidateSerializer(page, many=True).data)

    @extend_schema(request=s.PublishInputSerializer, responses={201: s.PublicationSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        whitelist = self.get_object()
        data = _input(s.PublishInputSerializer, request)
        banks = list(Organisation.objects.filter(pk__in=data["banks"], kind="bank"))
        publication = call(whitelist_publish, whitelist=whitelist, user=request.user, banks=banks,
                           change_note=data["change_note"])
        publication = Publication.objects.prefetch_related("recipients").annotate(
            visible_count=Count("entries")).get(pk=publication.pk)
        return Response(s.PublicationSerializer(publication).data, status=status.HTTP_201_CREATED)


class PublicationViewSet(ScopedReadOnlyViewSet):
    """白名单发布版本（只读，不可修改）：银行只看到发给本行的版本，其企业仅含授权仍有效者（entries）。"""

    queryset = Publication.objects.all()
    serializer_class = s.PublicationSerializer
    filterset_class = PublicationFilter

    def get_queryset(self):
        return selectors.publication_list(user=self.request.user).prefetch_related("recipients")

    @extend_schema(responses=s.EntrySerializer(many=True))
    @action(detail=True)
    def entries(self, request, pk=None):
        publication = self.get_object()
        queryset = EntryFilter(request.GET or None, request=request,
                               queryset=selectors.entries_for(request.user, publication)).qs
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(s.EntrySerializer(page, many=True, context=self.get_serializer_context()).data)


class CaseViewSet(ScopedReadOnlyViewSet):
    """银企对接记录：银行看本行的，企业看本企业的，县/市/省看辖区内各银行的。"""

    queryset = BankCase.objects.all()
    serializer_class = s.CaseSerializer
    filterset_class = CaseFilter

    def get_queryset(self):
        return selectors.case_list(user=self.request.user)


class LoanViewSet(ScopedReadOnlyViewSet):
    """质押贷款与质押登记：银行可登记放款（POST）、质押登记（pledge）、还款状态（status），或导入反馈表（import）。"""

    queryset = Loan.objects.select_related("bank", "case", "pledge")
    serializer_class = s.LoanSerializer
    filterset_class = LoanFilter

    @extend_schema(request=s.LoanInputSerializer, responses={201: s.LoanSerializer})
    def create(self, request):
        data = _input(s.LoanInputSerializer, request)
        enterprise = Organisation.objects.filter(pk=data.pop("enterprise")).first()
        if enterprise is None:
            raise ValidationError({"enterprise": "该企业不在向贵行发布的白名单上（或已撤回授权）。"})
        loan = call(feedback_services.loan_issue, user=request.user, enterprise=enterprise, **data)
        return Response(s.LoanSerializer(loan).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.PledgeInputSerializer, responses=s.LoanSerializer)
    @action(detail=True, methods=["post"])
    def pledge(self, request, pk=None):
        loan = self.get_object()
        call(feedback_services.pledge_register, user=request.user, loan=loan,
             **_input(s.PledgeInputSerializer, request))
        return Response(s.LoanSerializer(self.get_queryset().get(pk=loan.pk)).data)

    @extend_schema(request=s.LoanStatusInputSerializer, responses=s.LoanSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def report_status(self, request, pk=None):
        loan = self.get_object()
        loan = call(feedback_services.loan_status_report, user=request.user, loan=loan,
                    **_input(s.LoanStatusInputSerializer, request))
        return Response(s.LoanSerializer(loan).data)

    @extend_schema(request={"multipart/form-data": s.UploadSerializer}, responses=dict)
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_feedback(self, request):
        data = _input(s.UploadSerializer, request)
        report = call(feedback_import, user=request.user, upload=data["file"])
        return Response(report.as_dict(), status=status.HTTP_200_OK if report.ok else status.HTTP_400_BAD_REQUEST)


class LookupViewSet(ScopedReadOnlyViewSet):
    """名单核验：银行上传本行申请企业的统一社会信用代码（POST，multipart），仅告知其是否在发给本行的白名单中。"""

    queryset = Lookup.objects.all()
    serializer_class = s.LookupSerializer
    filterset_class = LookupFilter
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": s.UploadSerializer}, responses={201: s.LookupSerializer})
    def create(self, request):
        data = _input(s.UploadSerializer, request)
        lookup = call(lookup_run, user=request.user, upload=data["file"], ip_address=request.META.get("REMOTE_ADDR"))
        return Response(s.LookupSerializer(lookup).data, status=status.HTTP_201_CREATED)


class SubsidyViewSet(ScopedReadOnlyViewSet):
    """补贴申请：县级核实、市级审批（decide）、登记拨付（pay）。申请（含证明材料）在页面上提交。"""

    queryset = SubsidyApplication.objects.select_related("loan")
    serializer_class = s.SubsidySerializer
    filterset_class = SubsidyFilter

    @extend_schema(request=s.DecisionInputSerializer, responses=s.SubsidySerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        data = _input(s.DecisionInputSerializer, request)
        application = call(subsidy_transition, application=self.get_object(), to=data["to"], user=request.user,
                           comment=data["comment"])
        return Response(s.SubsidySerializer(application).data)

    @extend_schema(request=s.PaymentInputSerializer, responses=s.SubsidySerializer)
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        application = call(subsidy_pay, application=self.get_object(), user=request.user,
                           **_input(s.PaymentInputSerializer, request))
        return Response(s.SubsidySerializer(application).data)


class ClaimViewSet(ScopedReadOnlyViewSet):
    """风险补偿申请：银行申请（POST），资金池所属主管部门决定（decide）。"""

    queryset = RiskClaim.objects.all()
    serializer_class = s.ClaimSerializer
    filterset_class = ClaimFilter

    @extend_schema(request=s.ClaimInputSerializer, responses={201: s.ClaimSerializer})
    def create(self, request):
        data = _input(s.ClaimInputSerializer, request)
        loan = Loan.objects.visible_to(request.user).filter(pk=data["loan"]).first()
        if loan is None:
            raise NotFound("未找到该贷款。")
        claim = call(claim_submit, user=request.user, loan=loan, loss_amount=data["loss_amount"])
        return Response(s.ClaimSerializer(claim).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.DecisionInputSerializer, responses=s.ClaimSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        data = _input(s.DecisionInputSerializer, request)
        service = claim_approve if data["to"] == "approved" else claim_reject
        claim = call(service, claim=self.get_object(), user=request.user, comment=data["comment"])
        return Response(s.ClaimSerializer(claim).data)


class FiguresView(APIView):
    """质押融资统计：各地区各期质押融资金额、项目数及同比增长（period=year|quarter|month，level=province|city|county，
    since、until 为日期）。"""

    @extend_schema(responses=dict)
    def get(self, request):
        from ..figures import pledge_figures, totals
        from ..views.figures import figure_params

        if request.user.role not in ("county", "city", "province", "admin"):
            raise Http404
        params = figure_params(request.query_params)
        rows = pledge_figures(user=request.user, **params)
        total = totals(rows)
        return Response({"period": params["period"], "level": params["level"], "since": params["since"],
                         "until": params["until"], "rows": [r.as_dict() for r in rows],
                         "total_amount": str(total["amount"]), "total_projects": total["projects"]})

