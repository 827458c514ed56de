"""The compliance API: chat messages in, rules and allow list, a rule tester, violations and reviews."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.common.api import ServiceErrorsMixin
from apps.common.batches import MAX_BATCH
from apps.common.queue import send_on_commit_or_leave_to_sweep
from apps.compliance import selectors
from apps.compliance.models import AllowPhrase, Decision, Message, Rule, Violation, reason_text
from apps.compliance.services import review, rules
from apps.compliance.services.messages import MessageBatchSerializer, messages_ingest
from apps.compliance.services.scanning import ruleset_build
from apps.compliance.tasks import scan_messages
from apps.kpis.api import BatchResultSerializer
from apps.organisation.roles import Capability


class MessageSerializer(serializers.ModelSerializer):
    rep = serializers.SlugRelatedField(slug_field="email", read_only=True)

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


class MessageBatchView(generics.ListAPIView):
    """POST up to 1,000 chat messages; each is answered created, duplicate or error.

    Idempotent by `message_id`; a text over 64 KB is refused for that item only. New messages are
    scanned for violations within seconds. GET lists stored messages (reviewers).
    """

    serializer_class = MessageSerializer
    read_capability = Capability.COMPLIANCE_REVIEW
    write_capability = Capability.MESSAGES_INGEST

    def get_queryset(self):
        messages = Message.objects.select_related("rep").order_by("-sent_at", "-id")
        conversation = self.request.query_params.get("conversation")
        return messages.filter(conversation_id=conversation) if conversation else messages

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
        result, stored = messages_ingest(items=items)
        if stored:
            send_on_commit_or_leave_to_sweep(scan_messages, stored)
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


class RuleViewSet(ServiceErrorsMixin, viewsets.ModelViewSet):
    """A brand's compliance rules. Patterns use RE2 syntax (linear time); an invalid one is refused."""

    serializer_class = RuleSerializer
    queryset = Rule.objects.all()
    read_capability = Capability.COMPLIANCE_REVIEW
    write_capability = Capability.COMPLIANCE_RULES

    def perform_create(self, serializer):
        serializer.instance = self.call(rules.rule_save, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = self.call(rules.rule_save, rule=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        self.call(rules.rule_delete, rule=instance)


class AllowPhraseSerializer(serializers.ModelSerializer):
    class Meta:
        model = AllowPhrase
        fields = ["id", "phrase", "note"]
        validators = []


class AllowPhraseViewSet(
    ServiceErrorsMixin,
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
        serializer.instance = self.call(rules.allow_phrase_add, **serializer.validated_data)

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
    actor = serializers.SlugRelatedField(slug_field="email", read_only=True)

    class Meta:
        model = Decision
        fields = ["action", "note", "actor", "decided_at"]


class ViolationSerializer(serializers.ModelSerializer):
    rep = serializers.SlugRelatedField(slug_field="email", read_only=True)
    rule = serializers.StringRelatedField()
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
    action = serializers.ChoiceField(choices=Decision.Action.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ViolationViewSet(ServiceErrorsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Violations: reps see their own, team leads their teams', reviewers the brand's."""

    serializer_class = ViolationSerializer
    read_capability = Capability.KPI_VIEW_OWN
    write_capability = Capability.KPI_VIEW_OWN  # reviewing is then checked per violation

    def get_queryset(self):
        violations = selectors.violations_visible(self.request.auth or self.request.user).prefetch_related(
            "decisions__actor"
        )
        params = self.request.query_params
        for name in ("status", "category", "severity"):
            if params.get(name):
                violations = violations.filter(**{name: params[name]})
        return violations

    @extend_schema(request=ReviewSerializer, responses=ViolationSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None, **kwargs):
        target = self.get_object()  # an unseen violation is 404 before anything about the body
        serializer = ReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            violation = self.call(
                review.violation_review, violation=target, actor=request.user, **serializer.validated_data
            )
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from None
        return Response(ViolationSerializer(self.get_queryset().get(pk=violation.pk)).data)
