from django.urls import path

from .views import demands, digests, events, matches, runs, supply

app_name = "matching"

urlpatterns = [
    path("patents/", supply.CatalogueView.as_view(), name="catalogue"),
    path("patents/mine/", supply.MyPatentsView.as_view(), name="my-patents"),
    path("patents/new/", supply.patent_edit, name="patent-create"),
    path("patents/import/", supply.patent_import, name="patent-import"),
    path("patents/import/template.csv", supply.patent_import_template, name="patent-import-template"),
    path("patents/export/", supply.supply_export, name="supply-export"),
    path("patents/<int:pk>/", supply.patent_detail, name="patent-detail"),
    path("patents/<int:pk>/edit/", supply.patent_edit, name="patent-edit"),
    path("patents/<int:pk>/listed/", supply.patent_toggle_listed, name="patent-toggle-listed"),
    path("demands/", demands.DemandListView.as_view(), name="demand-list"),
    path("demands/new/", demands.demand_edit, name="demand-create"),
    path("demands/import/", demands.demand_import_view, name="demand-import"),
    path("demands/import/template.csv", demands.demand_import_template, name="demand-import-template"),
    path("demands/<int:pk>/", demands.demand_detail, name="demand-detail"),
    path("demands/<int:pk>/edit/", demands.demand_edit, name="demand-edit"),
    path("demands/<int:pk>/open/", demands.demand_toggle_open, name="demand-toggle-open"),
    path("matches/", matches.MatchListView.as_view(), name="match-list"),
    path("matches/<int:pk>/", matches.match_detail, name="match-detail"),
    path("matches/<int:pk>/move/<str:to>/", matches.match_move, name="match-move"),
    path("matches/<int:pk>/introduction/<str:action>/", matches.match_introduction, name="match-introduction"),
    path("matches/<int:pk>/deal/", matches.deal_create, name="deal-create"),
    path("deals/", matches.DealListView.as_view(), name="deal-list"),
    path("deals/export/", matches.deal_export, name="deal-export"),
    path("deals/<int:pk>/received/", matches.deal_received, name="deal-received"),
    path("runs/", runs.runs_page, name="runs"),
    path("digests/", digests.digest_list, name="digest-list"),
    path("digests/<int:pk>/", digests.digest_detail, name="digest-detail"),
    path("digests/unsubscribe/<str:token>/", digests.digest_unsubscribe, name="digest-unsubscribe"),
    path("events/", events.EventListView.as_view(), name="event-list"),
    path("events/new/", events.event_new, name="event-create"),
    path("events/<int:pk>/", events.event_detail, name="event-detail"),
    path("events/<int:pk>/invite/", events.event_invite, name="event-invite"),
]
