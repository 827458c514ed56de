"""The compliance API: chat messages in, rules and allow list, a rule tester, violations and reviews."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.common.api import BatchResultSerializer, query_filters, ref_field
from apps.common.batches import MAX_BATCH
from apps.compliance import selectors
from apps.compliance.models import AllowPhrase, Category, Decision, Message, Rule, Severity, Violation, reason_text
from apps.compliance.services import review, rules
from apps.compliance.services.messages import MessageBatchSerializer, messages_ingest
from apps.compliance.services.scanning import ruleset_build
from apps.organisation.roles import Capability


class MessageSerializer(serializers.ModelSerializer):
    rep = ref_field("email", null=False)

    class Meta:
        model = Message
        fields = [
            "id",
            "message_id",
            "conversation_id",
            "rep",
            "customer_ref",
            "direction",
            "sent_at",
            "msg_type",
            "text",
            "scanned_at",
        ]


class MessageFilters(serializers.Serializer):
    conversation = serializers.CharField(required=False, max_length=200, help_text="A conversation's id.")


class MessageBatchView(generics.ListAPIView):
    """POST up to 1,000 chat messages; each is answered created, duplicate or error.

    Idempotent by `message_id`; a text over 64 KB is refused for that item only. New messages are
    scanned for violations within seconds. GET lists stored messages (reviewers).
    """

    serializer_class = MessageSerializer
    read_capability = Capability.COMPLIANCE_REVIEW
    write_capability = Capability.MESSAGES_INGEST

    def get_queryset(self):
        return selectors.messages_list(**query_filters(MessageFilters, self.request))

    @extend_schema(parameters=[MessageFilters])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=MessageBatchSerializer,
        responses={200: BatchResultSerializer},
        description='Body: `{"messages": [...]}` or a bare JSON array of messages.',
    )
    def post(self, request):
        items = request.data.get("messages") if isinstance(request.data, dict) else request.data
        if not isinstance(items, list) or not items:
            raise ValidationError({"messages": [_("请提交消息数组：messages 字段应是消息列表。")]})
        if len(items) > MAX_BATCH:
            raise ValidationError(
                {"messages": [_("一批最多 %(max)d 条消息，收到 %(n)d 条。") % {"max": MAX_BATCH, "n": len(items)}]}
            )
        result, _stored = messages_ingest(items=items)
        return Response(result.as_json())


class RuleSerializer(serializers.ModelSerializer):
    keywords = serializers.ListField(child=serializers.CharField(max_length=100), required=False)
    exceptions = serializers.ListField(child=serializers.CharField(max_length=100), required=False)

    class Meta:
        model = Rule
        fields = [
            "id",
            "name",
            "category",
            "severity",
            "kind",
            "keywords",
            "exceptions",
            "pattern",
            "detector",
            "applies_to",
            "skip_negated",
            "enabled",
            "description",
            "updated_at",
        ]
        read_only_fields = ["id", "updated_at"]


class RuleViewSet(viewsets.ModelViewSet):
    """A brand's compliance rules. Patterns use RE2 syntax (linear time); an invalid one is refused."""

    serializer_class = RuleSerializer
    queryset = Rule.objects.all()
    read_capability = Capability.COMPLIANCE_REVIEW
    write_capability = Capability.COMPLIANCE_RULES

    def perform_create(self, serializer):
        serializer.instance = rules.rule_save(**serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = rules.rule_save(rule=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        rules.rule_delete(rule=instance)


class AllowPhraseSerializer(serializers.ModelSerializer):
    class Meta:
        model = AllowPhrase
        fields = ["id", "phrase", "note"]
        validators: list = []


class AllowPhraseViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Phrases never flagged (the brand's hotline, 官方小程序 …)."""

    serializer_class = AllowPhraseSerializer
    queryset = AllowPhrase.objects.all()
    read_capability = Capability.COMPLIANCE_REVIEW
    write_capability = Capability.COMPLIANCE_RULES

    def perform_create(self, serializer):
        serializer.instance = rules.allow_phrase_add(**serializer.validated_data)

    def perform_destroy(self, instance):
        rules.allow_phrase_delete(phrase=instance)


class TryInSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=65536, trim_whitespace=False)
    direction = serializers.ChoiceField(choices=["rep", "customer"], default="rep")


class HitSerializer(serializers.Serializer):
    rule = serializers.CharField()
    category = serializers.CharField()
    severity = serializers.CharField()
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    matched = serializers.CharField()
    reason = serializers.CharField()


def hits_json(hits) -> list[dict]:
    return [
        {
            "rule": hit.rule.name,
            "category": hit.rule.category,
            "severity": hit.rule.severity,
            "start": hit.start,
            "end": hit.end,
            "matched": hit.matched,
            "reason": reason_text(hit.reason),
        }
        for hit in hits
    ]


class RuleTryView(APIView):
    """What a sample message would trigger with the brand's enabled rules, and why."""

    read_capability = Capability.COMPLIANCE_REVIEW
    write_capability = Capability.COMPLIANCE_REVIEW

    @extend_schema(request=TryInSerializer, responses=HitSerializer(many=True))
    def post(self, request):
        serializer = TryInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        hits = ruleset_build().scan(serializer.validated_data["text"], serializer.validated_data["direction"])
        return Response(hits_json(hits))


class DecisionSerializer(serializers.ModelSerializer):
    actor = ref_field("email", null=False)

    class Meta:
        model = Decision
        fields = ["action", "note", "actor", "decided_at"]


class ViolationSerializer(serializers.ModelSerializer):
    rep = ref_field("email", null=False)
    rule: serializers.StringRelatedField[Any] = serializers.StringRelatedField()
    message = MessageSerializer(read_only=True)
    decisions = DecisionSerializer(many=True, read_only=True)

    class Meta:
        model = Violation
        fields = [
            "id",
            "status",
            "category",
            "severity",
            "rule",
            "rep",
            "day",
            "matched_text",
            "start",
            "end",
            "reason_text",
            "message",
            "decisions",
            "created_at",
        ]


class ReviewSerializer(serializers.Serializer):
    action = serializers.ChoiceField(
        choices=[choice for choice in Decision.Action.choices if choice[0] != Decision.Action.APPEAL],
        help_text="appeal_accept / appeal_reject decide an appeal: not by whoever confirmed the violation.",
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AppealSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class ViolationFilters(serializers.Serializer):
    status = serializers.ChoiceField(choices=Violation.Status.choices, required=False)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    severity = serializers.ChoiceField(choices=Severity.choices, required=False)
    message = serializers.CharField(required=False, max_length=128, help_text="The message's `message_id`.")
    conversation = serializers.CharField(required=False, max_length=128, help_text="A `conversation_id`.")
    rep = serializers.IntegerField(required=False, min_value=1, help_text="The rep's person id.")
    since = serializers.DateField(required=False, help_text="Found on or after this brand-local day.")
    until = serializers.DateField(required=False, help_text="Found on or before this brand-local day.")

    def validate(self, attrs):
        if attrs.get("since") and attrs.get("until") and attrs["since"] > attrs["until"]:
            raise serializers.ValidationError({"until": [_("结束日期不能早于开始日期。")]})
        return attrs


class ViolationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Violations: reps see their own, team leads their teams', reviewers the brand's."""

    serializer_class = ViolationSerializer
    read_capability = Capability.KPI_VIEW_OWN
    write_capability = Capability.KPI_VIEW_OWN  # reviewing is then checked per violation

    def get_queryset(self):
        filters = query_filters(ViolationFilters, self.request)
        return selectors.violations_list(self.request.auth or self.request.user, **filters)

    @extend_schema(parameters=[ViolationFilters])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=ReviewSerializer, responses=ViolationSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None, **kwargs):
        target = self.get_object()  # an unseen violation is 404 before anything about the body
        serializer = ReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            violation = review.violation_review(violation=target, actor=request.user, **serializer.validated_data)
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from None
        return Response(ViolationSerializer(self.get_queryset().get(pk=violation.pk)).data)

    @extend_schema(request=AppealSerializer, responses=ViolationSerializer)
    @action(detail=True, methods=["post"])
    def appeal(self, request, pk=None, **kwargs):
        """The rep who wrote the message appeals its confirmed violation, once, with a reason."""
        target = self.get_object()
        serializer = AppealSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            violation = review.violation_appeal(violation=target, actor=request.user, **serializer.validated_data)
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from None
        return Response(ViolationSerializer(self.get_queryset().get(pk=violation.pk)).data)
